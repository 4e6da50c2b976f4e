import { Menu, nativeImage, Tray } from 'electron';
import { join } from 'node:path';
import type { TrayModel } from './tray-model.js';

export interface TrayActions {
  open(): void;
  togglePause(): void;
  quit(): void;
}

/** The tray icon and its menu: status line, Open, Pause/Resume earning, Quit. */
export class AppTray {
  private readonly tray: Tray;
  private lastIcon: string | null = null;

  constructor(
    private readonly resourcesDir: string,
    private readonly actions: TrayActions,
    model: TrayModel,
  ) {
    this.tray = new Tray(this.image(model.icon));
    this.tray.on('click', () => actions.open());
    this.render(model);
  }

  render(model: TrayModel): void {
    if (this.tray.isDestroyed()) return;
    if (model.icon !== this.lastIcon) {
      this.tray.setImage(this.image(model.icon));
      this.lastIcon = model.icon;
    }
    this.tray.setToolTip(`Offhours: ${model.statusLine}`);
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: model.statusLine, enabled: false },
        { type: 'separator' },
        { label: 'Open Offhours', click: () => this.actions.open() },
        { label: model.pauseLabel, click: () => this.actions.togglePause() },
        { type: 'separator' },
        { label: 'Quit Offhours', click: () => this.actions.quit() },
      ]),
    );
  }

  isAlive(): boolean {
    return !this.tray.isDestroyed();
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private image(state: string) {
    // nativeImage picks tray-<state>@2x.png on high-DPI screens by itself.
    return nativeImage.createFromPath(join(this.resourcesDir, `tray-${state}.png`));
  }
}
