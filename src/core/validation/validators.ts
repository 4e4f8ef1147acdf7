// The registry of file validators; each file kind adds its own here.
import type { FileValidator } from './validator';
import { templateValidator } from './domain/templateValidator';
import { networkValidator } from './network/networkValidator';
import { routesValidator } from './routes/routesValidator';

export const fileValidators: FileValidator[] = [templateValidator, networkValidator, routesValidator];
