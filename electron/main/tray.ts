import { Menu, nativeImage, Tray, type MenuItem, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { TrayAction, TrayMenuEntry, TrayModel } from '../core/tray/tray-model.js';

/** Does what a menu item asks (pause, resume, open, quit); the shell maps each action to core or the window. */
export type TrayActionHandler = (action: TrayAction) => void;

/** The tray icon and its menu, drawn from core's tray model (electron/core/tray/tray-model.ts) and nothing else. */
export class AppTray {
  private readonly tray: Tray;
  private lastIcon: string | null = null;
  private menu: Menu | null = null;

  constructor(
    private readonly resourcesDir: string,
    private readonly onAction: TrayActionHandler,
    model: TrayModel,
  ) {
    this.tray = new Tray(this.image(model.icon));
    this.tray.on('click', () => onAction('open'));
    this.render(model);
  }

  render(model: TrayModel): void {
    if (this.tray.isDestroyed()) return;
    if (model.icon !== this.lastIcon) {
      this.tray.setImage(this.image(model.icon));
      this.lastIcon = model.icon;
    }
    this.tray.setToolTip(model.tooltip);
    this.menu = Menu.buildFromTemplate(model.menu.map((entry) => this.menuItem(entry)));
    this.tray.setContextMenu(this.menu);
  }

  /** The menu's items as drawn now, separators left out (the end-to-end test reads and clicks them). */
  menuItems(): MenuItem[] {
    return (this.menu?.items ?? []).filter((item) => item.type !== 'separator');
  }

  isAlive(): boolean {
    return !this.tray.isDestroyed();
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private menuItem(entry: TrayMenuEntry): MenuItemConstructorOptions {
    if (entry.kind === 'separator') return { type: 'separator' };
    const action = entry.action;
    return { label: entry.label, enabled: entry.enabled, click: action ? () => this.onAction(action) : undefined };
  }

  private image(icon: string) {
    // nativeImage picks tray-<icon>@2x.png on high-DPI screens by itself.
    return nativeImage.createFromPath(join(this.resourcesDir, `tray-${icon}.png`));
  }
}
