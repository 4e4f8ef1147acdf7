// The registry of file validators; each file kind adds its own here.
import type { FileValidator } from './validator';
import { templateValidator } from './domain/templateValidator';
import { networkValidator } from './network/networkValidator';
import { routesValidator } from './routes/routesValidator';
import { cloudInitValidator } from './cloudinit/cloudInitValidator';
import { guestFileValidator } from './guest/guestFiles';

export const fileValidators: FileValidator[] = [templateValidator, networkValidator, routesValidator, cloudInitValidator, guestFileValidator];
