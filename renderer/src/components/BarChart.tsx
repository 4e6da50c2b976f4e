import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface BarChartProps {
  /** One label per bar (x axis). */
  labels: string[];
  /** Bar heights; for drawing only (the exact amounts are in `exact`). */
  values: number[];
  /** The exact text for each bar, shown for the bar under the pointer (the newest by default). */
  exact: string[];
  /** Plain words for screen readers and the caption, e.g. "Earned per day, last 30 days". */
  title: string;
  testId: string;
  height?: number;
  /** Most decimals an axis value shows (the token's); tiny amounts stay readable instead of rounding to 0. */
  decimals?: number;
}

/** An axis value in plain decimals, no exponent: 0.00003, not 3e-5 or 0. */
export function axisValue(value: number, decimals: number): string {
  if (value === 0) return '0';
  return value.toFixed(Math.min(Math.max(decimals, 0), 12)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

const COLORS = { bar: '#3ddc97', axis: '#8b9bb0', grid: '#243041' };

/** uPlot's options for a dark bar chart over categories (the x value is the bar's index). */
function chartOptions(props: BarChartProps, width: number, onHover: (index: number | null) => void): uPlot.Options {
  return {
    width,
    height: props.height ?? 180,
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
    scales: {
      x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
    },
    axes: [
      { stroke: COLORS.axis, grid: { show: false }, ticks: { show: false }, space: 48, values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (props.labels[i] ?? '') : '')) },
      { stroke: COLORS.axis, grid: { stroke: COLORS.grid, width: 1 }, ticks: { show: false }, size: 72, values: (_u, splits) => splits.map((v) => axisValue(v, props.decimals ?? 9)) },
    ],
    series: [{}, { label: props.title, fill: COLORS.bar, stroke: COLORS.bar, width: 0, paths: uPlot.paths.bars!({ size: [0.7, 36], gap: 2 }), points: { show: false } }],
    hooks: { setCursor: [(u) => onHover(u.cursor.idx ?? null)] },
  };
}

/**
 * A bar chart drawn by uPlot (a small, maintained canvas chart library): fast to draw, no re-render per frame.
 * The caption under it says the hovered bar's exact amount, and a hidden list gives every bar to screen readers.
 */
export function BarChart(props: BarChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  const { labels, values } = props;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = Math.max(240, element.clientWidth);
    const plot = new uPlot(chartOptions(props, width, setHover), [labels.map((_, i) => i), values], element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, element.clientWidth), height: props.height ?? 180 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
    // Redrawn when the data changes; a new object with the same numbers is the same chart.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(labels), JSON.stringify(values), props.height]);

  const shown = hover ?? labels.length - 1;
  return (
    <figure className="chart" data-testid={props.testId} data-bars={labels.length}>
      <div ref={box} className="chart-canvas" aria-hidden="true" />
      <figcaption className="muted small">
        {props.title}
        {shown >= 0 && labels[shown] !== undefined && (
          <>
            {' · '}
            <span className="chart-focus">
              {labels[shown]}: {props.exact[shown]}
            </span>
          </>
        )}
      </figcaption>
      <ul className="sr-only">
        {labels.map((label, i) => (
          <li key={`${label}-${i}`}>
            {label}: {props.exact[i]}
          </li>
        ))}
      </ul>
    </figure>
  );
}
