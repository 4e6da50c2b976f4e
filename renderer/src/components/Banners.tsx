import { useApp } from '../stores/app-store.js';
import { selectNotices } from '../stores/provider-slice.js';

/** Connection problems, failed actions and notices from core, each with what to do next. */
export function Banners() {
  const connection = useApp((s) => s.connection);
  const lastError = useApp((s) => s.lastError);
  const clearError = useApp((s) => s.clearError);
  const notices = useApp(selectNotices);
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  return (
    <div className="banners">
      {connection === 'unauthorized' && (
        <div className="banner error" role="alert">
          <strong>This page is not signed in to the Offhours service.</strong>
          <p>Open the link that <code>offhours headless</code> printed; it contains the access token.</p>
        </div>
      )}
      {connection === 'reconnecting' && (
        <div className="banner warning" role="status">
          <strong>Lost contact with the Offhours service. Reconnecting…</strong>
          <p>If this lasts, check that the service is still running.</p>
        </div>
      )}
      {lastError && (
        <div className="banner error" role="alert">
          <strong>{lastError.message}</strong>
          {lastError.nextStep && <p>{lastError.nextStep}</p>}
          <button type="button" className="link" onClick={clearError}>
            Dismiss
          </button>
        </div>
      )}
      {notices.map((notice) => (
        <div key={notice.id} className={`banner ${notice.level}`} role={notice.level === 'info' ? 'status' : 'alert'} data-notice={notice.id}>
          <strong>{notice.title}</strong>
          <p>{notice.message}</p>
          {notice.nextStep && <p className="next">{notice.nextStep}</p>}
          <button type="button" className="link" onClick={() => api.dismissNotice(notice.id).catch(showError)}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
