import { useEffect, useState } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import { useApp } from '../../stores/app-store.js';
import type { NetProfit } from '../../../../protocol/net-profit.js';
import { earningsView, type PayoutRow, type ReceiptRow, type SummaryFigure } from './earnings-view.js';
import { profitView } from './profit-view.js';
import { Mark, PayoutList } from './PayoutList.js';
import { BarChart } from '../../components/BarChart.js';
import { dailyChart, jobChart, liveCard, periodFigures, sharedWalletView, type ChartSeries, type LiveCard, type PeriodFigure, type SharedWalletView } from './earnings-figures.js';

/** Keeps "next payout in …" current without a push from core. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function Summary({ figures, nextPayout }: { figures: SummaryFigure[]; nextPayout: string }) {
  return (
    <section className="stat-row" data-testid="earnings-summary" aria-label="Earnings summary">
      {figures.map((figure) => (
        <div className="stat" key={figure.id}>
          <span className="stat-label">{figure.label}</span>
          <span className="stat-value small" data-testid={`earnings-${figure.id}`}>
            {figure.value}
          </span>
          <span className="fact-hint">{figure.hint}</span>
        </div>
      ))}
      <div className="stat">
        <span className="stat-label">Next payout</span>
        <span className="stat-value small" data-testid="earnings-next-payout">
          {nextPayout}
        </span>
      </div>
    </section>
  );
}

function Receipts({ rows }: { rows: ReceiptRow[] }) {
  return (
    <section className="panel" data-testid="earnings-receipts" aria-labelledby="receipts-title">
      <h2 id="receipts-title">Receipts</h2>
      <p className="muted small">For each job, the network signs what it paid for. Offhours checks every signature itself.</p>
      {rows.length === 0 ? (
        <p className="muted">No receipts yet. One arrives each time a paid job ends.</p>
      ) : (
        <table className="bench-table jobs-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Worked</th>
              <th>Rate</th>
              <th>Amount</th>
              <th>Check</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-testid="receipt-row" data-check={row.check}>
                <td>
                  <div>{row.jobId}</div>
                  <div className="muted small">{new Date(row.endedAt).toLocaleString()}</div>
                </td>
                <td>{row.seconds}</td>
                <td>{row.rate}</td>
                <td className="amount">{row.amount}</td>
                <td>
                  <Mark tone={row.tone} label={row.label} explain={row.explain} />
                  {row.tone === 'bad' && <div className="warning-text">{row.explain}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Payouts({ rows, checkedAt }: { rows: PayoutRow[]; checkedAt: { text: string; rpcUrl: string } | null }) {
  return (
    <section className="panel" data-testid="earnings-payouts" aria-labelledby="payouts-title">
      <h2 id="payouts-title">Payouts</h2>
      {checkedAt && (
        <p className="muted small" title={`Asked at ${checkedAt.rpcUrl}`}>
          {checkedAt.text}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="muted">No payouts yet. Payable earnings are sent to your wallet on the network’s schedule.</p>
      ) : (
        <PayoutList rows={rows} rowTestId="payout-row" />
      )}
    </section>
  );
}

/** An hour of work: what it pays beside what the GPUs' electricity costs (Settings → Electricity). */
function NetProfitRow({ profit }: { profit: NetProfit }) {
  const view = profitView(profit);
  const figures = [
    { id: 'gross', label: 'Earns per hour', value: view.gross },
    { id: 'cost', label: view.estimate ? 'Electricity per hour (estimate)' : 'Electricity per hour', value: view.cost },
    { id: 'net', label: 'Net per hour', value: view.net },
  ];
  return (
    <section className="panel" data-testid="earnings-profit" aria-labelledby="profit-title">
      <h2 id="profit-title">Per hour of work</h2>
      <div className="stat-row">
        {figures.map((figure) => (
          <div className="stat" key={figure.id}>
            <span className="stat-label">{figure.label}</span>
            <span className={`stat-value small${figure.id === 'net' && view.negative ? ' warning-text' : ''}`} data-testid={`profit-${figure.id}`}>
              {figure.value}
            </span>
          </div>
        ))}
      </div>
      <p className="muted small">{view.basis}</p>
      {view.negative && <p className="warning-text">Work costs more than it earns at your electricity price.</p>}
    </section>
  );
}

function LiveTicker({ card, idleText }: { card: LiveCard | null; idleText: string }) {
  if (!card) {
    return (
      <section className="panel live-card idle" data-testid="earnings-live" data-live="idle" aria-label="Earning now">
        <span className="stat-label">Earning now</span>
        <span className="muted">{idleText}</span>
      </section>
    );
  }
  return (
    <section className={`panel live-card${card.earning ? ' on' : ''}`} data-testid="earnings-live" data-live={card.earning ? 'earning' : 'paused'} aria-label="Earning now">
      <span className="stat-label">{card.earning ? 'Earning now' : 'Paused — you are back, so the job is frozen'}</span>
      <span className="live-amount" data-testid="live-amount" aria-live="off">
        +{card.runEarned}
      </span>
      <span className="muted small">
        Job {card.jobId} · {card.runTime} of work · {card.rate}
      </span>
      <span className="fact-hint">Counted by Offhours second by second; the network’s signed receipt confirms it when the job ends.</span>
    </section>
  );
}

function Periods({ figures }: { figures: PeriodFigure[] }) {
  return (
    <section className="stat-row" data-testid="earnings-periods" aria-label="Earned over time">
      {figures.map((figure) => (
        <div className="stat" key={figure.id}>
          <span className="stat-label">{figure.label}</span>
          <span className="stat-value small" data-testid={`period-${figure.id}`}>
            {figure.value}
          </span>
          <span className="fact-hint">{figure.hint}</span>
        </div>
      ))}
    </section>
  );
}

function Charts({ daily, jobs }: { daily: ChartSeries; jobs: ChartSeries }) {
  return (
    <section className="panel" aria-labelledby="charts-title">
      <h2 id="charts-title">Over time</h2>
      <div className="chart-row">
        <BarChart testId="daily-chart" title="Earned per day, last 30 days" {...daily} />
        {jobs.labels.length > 0 ? (
          <BarChart testId="job-chart" title={`Earned per job, last ${jobs.labels.length}`} {...jobs} />
        ) : (
          <p className="muted small chart-empty">Each finished job gets a bar here.</p>
        )}
      </div>
    </section>
  );
}

/** Every PC paid to the same wallet (several machines, one wallet), from the network, with the total. */
function WalletMachines({ view }: { view: SharedWalletView }) {
  return (
    <section className="panel" data-testid="wallet-machines" aria-labelledby="machines-title">
      <h2 id="machines-title">PCs paid to this wallet</h2>
      {view.machines.length === 1 && view.more === 0 && <p className="muted small">Only this PC so far. Use the same payout address on your other PCs and each one shows here, with the total.</p>}
      <table className="bench-table jobs-table">
        <thead>
          <tr>
            <th>PC</th>
            <th>Status</th>
            <th>Earned</th>
            <th>Paid</th>
          </tr>
        </thead>
        <tbody>
          {view.machines.map((machine) => (
            <tr key={machine.providerId} data-testid="wallet-machine" data-self={machine.self}>
              <td>{machine.label}</td>
              <td>
                <span className={machine.online ? 'verdict verdict-ok' : 'muted'}>{machine.presence}</span>
              </td>
              <td className="amount">{machine.earned}</td>
              <td className="amount">{machine.paid}</td>
            </tr>
          ))}
        </tbody>
        {(view.machines.length > 1 || view.more > 0) && (
          <tfoot>
            <tr data-testid="wallet-machines-total">
              <td colSpan={2}>All {view.machines.length + view.more} PCs{view.more > 0 ? ` (${view.more} not listed)` : ''}</td>
              <td className="amount">{view.totalEarned}</td>
              <td className="amount">{view.totalPaid}</td>
            </tr>
          </tfoot>
        )}
      </table>
    </section>
  );
}

/** Every receipt this PC keeps, as a CSV file the browser (or the desktop app) saves. */
function ExportButton() {
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const [busy, setBusy] = useState(false);
  const exportCsv = async () => {
    setBusy(true);
    try {
      const file = await api.exportEarningsCsv();
      const url = URL.createObjectURL(new Blob([file.csv], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" onClick={() => void exportCsv()} disabled={busy} data-testid="export-csv" title="Date, job, seconds, rate, amount, receipt id and payout transaction of every paid job, for your tax records">
      {busy ? 'Exporting…' : 'Export CSV'}
    </button>
  );
}

/** What this PC earned and was paid, each receipt and payout checked by the app itself. */
export function EarningsPage() {
  const slice = useApp((s) => s.provider?.earnings ?? null);
  const network = useApp((s) => s.provider?.network.network ?? null);
  const profit = useApp((s) => s.provider?.profit ?? null);
  const availability = useApp((s) => s.provider?.availability ?? null);
  const link = useApp((s) => s.provider?.network ?? null);
  const tick = useApp((s) => s.tick);
  const now = useMinuteClock();
  const view = slice ? earningsView(slice, network, now) : null;
  const token = slice?.token ?? (network ? { symbol: network.tokenSymbol, decimals: network.tokenDecimals } : null);
  const card = liveCard(tick, token);
  const machines = slice ? sharedWalletView(slice, token, link?.connection === 'connected') : null;
  const idleText = availability?.now ?? 'Not working right now.';
  return (
    <div className="page">
      <header className="page-head">
        <h1>Earnings</h1>
        <p className="muted">What your GPU has earned, and what reached your wallet.</p>
        {view && !view.empty && (
          <div className="actions">
            <ExportButton />
          </div>
        )}
      </header>
      {link && link.mode !== 'off' && link.connection !== 'connected' && link.connection !== 'starting' && (
        <p className="warning-text" data-testid="earnings-offline">
          Offline: {link.message}. The figures below are what Offhours recorded; they update once the network is back.
        </p>
      )}
      <LiveTicker card={card} idleText={idleText} />
      {profit && <NetProfitRow profit={profit} />}
      {!slice || !view || (view.empty && !card) ? (
        <EmptyState title="Nothing earned yet" testId="earnings-empty">
          <p>Earnings appear here once your PC has done paid work for the network.</p>
        </EmptyState>
      ) : (
        <>
          {view.problems > 0 && (
            <p className="warning-text" data-testid="earnings-problems">
              {view.problems === 1 ? 'One item below does not check out' : `${view.problems} items below do not check out`}: it is kept and marked, and nothing is hidden.
            </p>
          )}
          <Periods figures={periodFigures(slice, tick, now, token)} />
          <Charts daily={dailyChart(slice, tick, now, token)} jobs={jobChart(slice, token)} />
          <Summary figures={view.summary} nextPayout={view.nextPayout} />
          {machines && <WalletMachines view={machines} />}
          <Receipts rows={view.receipts} />
          <Payouts rows={view.payouts} checkedAt={view.checkedAt} />
        </>
      )}
    </div>
  );
}
