// The registry of file validators; each file kind adds its own here.
import type { FileValidator } from './validator';
import { templateValidator } from './domain/templateValidator';

export const fileValidators: FileValidator[] = [templateValidator];
