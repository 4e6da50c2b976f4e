import { useApp } from '../stores/app-store.js';
import { PAGES } from '../stores/ui-slice.js';

export function Sidebar() {
  const page = useApp((s) => s.page);
  const mode = useApp((s) => s.provider?.mode);
  const version = useApp((s) => s.provider?.appVersion);
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <img src="./icon.svg" alt="" width={28} height={28} />
        <span>Offhours</span>
      </div>
      <ul>
        {PAGES.map((entry) => (
          <li key={entry.id}>
            <a href={`#/${entry.id}`} className={entry.id === page ? 'active' : undefined} aria-current={entry.id === page ? 'page' : undefined}>
              {entry.label}
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">
        {mode === 'headless' ? 'Headless service' : 'Desktop app'}
        {version ? ` · v${version}` : ''}
      </div>
    </nav>
  );
}
