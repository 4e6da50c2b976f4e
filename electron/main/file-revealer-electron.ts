import { shell } from 'electron';
import type { FileRevealer } from '../core/ports.js';

/** Settings' "Reveal logs": the OS file manager opens the folder with the file selected. */
export class ElectronFileRevealer implements FileRevealer {
  reveal(path: string): void {
    shell.showItemInFolder(path);
  }
}
