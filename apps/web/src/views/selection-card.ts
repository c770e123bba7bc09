/**
 * The admin page's view of the served set's model selection (`GET /models` `selection`): which
 * kind the default recommendations come from, on which validation split it won, each kind's
 * best grid point, and every grid point with its scores behind a disclosure. The contract types it loosely (a record: the selection kind defines the
 * shape), so it is read field by field here and anything unexpected is left out.
 */
import { h } from '../ui/dom';

/** One grid point as shown. */
interface GridRow {
  kind: string;
  params: Record<string, number>;
  ndcg: number | null;
  precision: number | null;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const numberOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** `{ k: 25 }` as `k=25`; a value that is not a number map reads as empty. */
function paramsText(x: unknown): string {
  if (!isRecord(x)) return '';
  return Object.entries(x)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

function gridRows(x: unknown): GridRow[] {
  if (!Array.isArray(x)) return [];
  return x.filter(isRecord).map((g) => ({
    kind: String(g.kind),
    params: isRecord(g.params) ? (Object.fromEntries(Object.entries(g.params).filter(([, v]) => typeof v === 'number')) as Record<string, number>) : {},
    ndcg: numberOrNull(g.ndcg),
    precision: numberOrNull(g.precision),
  }));
}

const score = (x: number | null): string => (x === null ? '–' : x.toFixed(3));

/** The best-scoring grid point of each kind (unscored points last), in the order the kinds first appear. */
function bestPerKind(rows: readonly GridRow[]): GridRow[] {
  const best = new Map<string, GridRow>();
  for (const g of rows) {
    const seen = best.get(g.kind);
    if (seen === undefined || (g.ndcg !== null && (seen.ndcg === null || g.ndcg > seen.ndcg))) best.set(g.kind, g);
  }
  return [...best.values()];
}

/** A table of grid points, the chosen one marked; `tried` adds how many points each kind had. */
function gridTable(rows: readonly GridRow[], won: (g: GridRow) => boolean, className: string, tried?: (kind: string) => number): HTMLElement {
  const columns = ['Kind', 'Parameters', ...(tried ? ['Best of'] : []), 'NDCG@10', 'Precision@10'];
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: `models ${className}` },
      h('thead', {}, h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: i >= 2 ? 'num' : null }, c)))),
      h(
        'tbody',
        {},
        rows.map((g) =>
          h(
            'tr',
            { class: won(g) ? 'current' : null },
            h('th', { scope: 'row' }, g.kind, won(g) ? h('span', { class: 'badge' }, 'Chosen') : null),
            h('td', {}, paramsText(g.params)),
            tried ? h('td', { class: 'num' }, String(tried(g.kind))) : null,
            h('td', { class: 'num' }, score(g.ndcg)),
            h('td', { class: 'num' }, score(g.precision)),
          ),
        ),
      ),
    ),
  );
}

/**
 * The selection card's content: the winner, the split, each kind's best grid point, and every
 * grid point behind a disclosure when there are more; a line saying there is none when the set
 * has no selection.
 */
export function selectionCard(selection: unknown): HTMLElement {
  if (!isRecord(selection)) return h('p', { class: 'muted', id: 'selection' }, 'No model selection in the served set: recommendations default to PureSVD.');
  const winner = isRecord(selection.winner) ? selection.winner : null;
  const split = isRecord(selection.split) ? selection.split : null;
  const winnerParams = winner === null ? '' : paramsText(winner.params);
  const rows = gridRows(selection.grid);
  const best = bestPerKind(rows);
  const won = (g: GridRow) => winner !== null && g.kind === winner.kind && paramsText(g.params) === winnerParams;
  const tried = (kind: string) => rows.filter((g) => g.kind === kind).length;
  return h(
    'div',
    { id: 'selection' },
    h(
      'p',
      {},
      winner === null
        ? 'No kind could be scored on the validation split: recommendations default to PureSVD.'
        : `Default recommendations: ${String(winner.algorithm)} (${String(winner.kind)}${winnerParams ? `, ${winnerParams}` : ''}), NDCG@10 ${score(numberOrNull(winner.ndcg))}.`,
    ),
    split === null ? null : h('p', { class: 'muted' }, `Scored on ${String(split.rule)}.`),
    gridTable(best, won, 'selection-best', tried),
    best.length < rows.length ? h('details', { class: 'selection-all' }, h('summary', {}, `All ${rows.length} grid points`), gridTable(rows, won, 'selection-all-points')) : null,
  );
}
