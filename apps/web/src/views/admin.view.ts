/** Admin: API key, dataset upload with live progress, model versions, rebuild and rollback. */
import type { BuildStatus, JobAccepted, ModelsAnswer, StatusAnswer } from '../lib/api-types';
import { describeError } from '../lib/api-client';
import { loadApiKey, saveApiKey } from '../lib/api-key';
import { formatCount, formatPercent, formatTimestamp } from '../lib/format';
import type { UploadProgress } from '../lib/job-progress';
import { idleUpload, isFinished, uploadingProgress } from '../lib/job-progress';
import { h, replaceChildren } from '../ui/dom';
import { empty } from '../ui/status';
import type { ViewContext } from './context';
import { load } from './context';
import { followRebuild, followUpload } from './job-follower';
import { selectionCard } from './selection-card';

/** Options of {@link adminView}. */
export interface AdminHooks {
  /** Called when the served model may have changed (the footer reloads). */
  modelChanged: () => void;
}

function keyForm(ctx: ViewContext): HTMLElement {
  const input = h('input', { id: 'api-key', type: 'password', class: 'input', autocomplete: 'off', value: loadApiKey() ?? '' });
  const status = h('p', { class: 'muted', role: 'status' }, loadApiKey() === null ? 'No key saved.' : 'A key is saved for this tab.');
  const form = h(
    'form',
    { class: 'inline-form' },
    h('label', { for: 'api-key', class: 'label' }, 'API key'),
    input,
    h('button', { type: 'submit', class: 'button' }, 'Save'),
    h('button', { type: 'button', class: 'button secondary', onclick: () => { saveApiKey(''); input.value = ''; status.textContent = 'Key forgotten.'; } }, 'Forget'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saveApiKey(input.value);
    status.textContent = loadApiKey() === null ? 'No key saved.' : 'Key saved for this tab (sessionStorage; gone when the tab closes).';
    ctx.announce(status.textContent);
  });
  return h('div', {}, form, status, keyHelp());
}

/** "Where is my key?": where each way of starting the system keeps its key. */
function keyHelp(): HTMLElement {
  return h(
    'details',
    { class: 'help', id: 'key-help' },
    h('summary', {}, 'Where is my key?'),
    h(
      'ul',
      {},
      h(
        'li',
        {},
        'Started with ',
        h('code', {}, 'npm start'),
        ' or ',
        h('code', {}, 'npx movielens up'),
        ': the key was made on the first start and is kept in ',
        h('code', {}, '.movielens/api-key'),
        ' in the project folder (readable by you only). Run ',
        h('code', {}, 'npx movielens key'),
        ' there to print it.',
      ),
      h('li', {}, 'Started another way (Docker, ', h('code', {}, 'movielens serve'), '): it is the ', h('code', {}, 'API_KEY'), ' environment variable of the API process. Without one, uploads and rebuilds are refused.'),
    ),
  );
}

/** How often the builds card reloads `GET /status` while the admin page is open, ms. */
const buildsPollMs = 2000;

/** Stage names as a person reads them. */
const stageNames: Record<string, string> = {
  lstm: 'training the next-movie model (LSTM)',
  mf: 'training the rating model (MF)',
  svd: 'factorizing the ratings (SVD)',
  similarity: 'finding similar movies',
  recommendations: 'recommending movies to every user',
  analytics: 'computing the analytics',
  selection: 'choosing the default model (selection)',
  publish: 'publishing',
};

/** One line per build waiting or running: who asked, how far, where its slowest part is, and the LSTM's own progress. */
export function buildLine(b: BuildStatus): string {
  const who = b.trigger === 'ingest' ? 'after an upload' : b.trigger === 'cli' ? 'asked from the command line' : b.trigger === 'api' ? 'asked here or through the API' : b.trigger === 'selection' ? 'to train with the parameters model selection tuned' : '';
  const what = `${b.lstm ? 'Model build with the next-movie LSTM' : 'Model build'}${who === '' ? '' : ` (${who})`}`;
  if (b.state !== 'active' && b.state !== 'waiting-children') return `${what}: queued.`;
  if (b.percent === null) return `${what}: starting.`;
  const now = b.stage === null ? '' : `, now ${stageNames[b.stage] ?? b.stage}`;
  const lstm = b.lstmPercent === null ? '' : `; the LSTM is ${formatPercent(b.lstmPercent)} done`;
  return `${what}: ${formatPercent(b.percent)} done${now}${lstm}.`;
}

/** The card of builds in progress (any, not only those started here), reloaded while the page is open. */
function buildsCard(ctx: ViewContext): HTMLElement {
  const body = h('div', { id: 'builds', 'aria-live': 'polite' });
  const draw = (status: StatusAnswer): void => {
    // The rebuild jobs (each reports its kinds' progress), not their many short child jobs.
    const builds = status.builds.filter((b) => b.id.startsWith('rebuild:'));
    if (builds.length === 0) {
      replaceChildren(body, h('p', { class: 'muted' }, 'No model build is waiting or running.'));
      return;
    }
    replaceChildren(
      body,
      h('ul', { class: 'builds' }, builds.map((b) => h('li', { 'data-state': b.state }, buildLine(b)))),
      builds.some((b) => b.lstm)
        ? h('p', { class: 'muted' }, 'Training the next-movie LSTM takes minutes (README: "what to expect"); the model served now keeps answering until the new one is published.')
        : null,
    );
  };
  const poll = (): void => {
    void ctx.api.get<StatusAnswer>('/status', undefined, ctx.signal).then(
      (status) => !ctx.signal.aborted && draw(status),
      () => undefined,
    );
  };
  poll();
  const timer = window.setInterval(poll, buildsPollMs);
  ctx.onCleanup(() => window.clearInterval(timer));
  return h('section', { class: 'card', 'aria-labelledby': 'builds-h' }, h('h2', { id: 'builds-h' }, 'Builds in progress'), body);
}

/** A progress bar and its message; `set` updates both. */
function progressBar(): { element: HTMLElement; set: (p: UploadProgress) => void } {
  const bar = h('progress', { id: 'job-progress', max: 100, value: 0, 'aria-describedby': 'job-message' });
  const percent = h('span', { class: 'progress-percent' }, '0%');
  const message = h('p', { id: 'job-message', class: 'muted', role: 'status', 'aria-live': 'polite' }, idleUpload.message);
  const element = h('div', { class: 'progress', 'data-phase': 'idle' }, h('div', { class: 'progress-row' }, bar, percent), message);
  return {
    element,
    set: (p) => {
      bar.value = p.percent;
      percent.textContent = formatPercent(p.percent);
      message.textContent = p.message;
      element.dataset.phase = p.phase;
    },
  };
}

function uploadForm(ctx: ViewContext, progress: ReturnType<typeof progressBar>, hooks: AdminHooks, reloadModels: () => void): HTMLElement {
  const files = h('input', { id: 'dataset-files', name: 'files', type: 'file', multiple: true, required: true, class: 'input', accept: '.dat,.data,.item,.user,.csv,.zip' });
  const mode = h(
    'select',
    { id: 'dataset-mode', name: 'mode', class: 'input' },
    h('option', { value: 'replace' }, 'Replace: the files are a full dataset'),
    h('option', { value: 'append' }, 'Append: merge into the current dataset'),
  );
  const submit = h('button', { type: 'submit', class: 'button' }, 'Upload');
  const form = h(
    'form',
    { class: 'stack', id: 'upload-form' },
    h('div', { class: 'control' }, h('label', { for: 'dataset-files', class: 'label' }, 'MovieLens files (ratings, movies, users) or a release .zip'), files),
    h('div', { class: 'control' }, h('label', { for: 'dataset-mode', class: 'label' }, 'Mode'), mode),
    h('div', {}, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData();
    data.set('mode', mode.value);
    for (const file of Array.from(files.files ?? [])) data.append('files', file, file.name);
    submit.disabled = true;
    progress.set(uploadingProgress());
    void (async () => {
      try {
        const accepted = await ctx.api.postForm<JobAccepted>('/datasets', data);
        const final = await followUpload(ctx.api, accepted.jobId, progress.set, ctx.signal);
        if (final.phase === 'done') {
          hooks.modelChanged();
          reloadModels();
        }
        ctx.announce(final.message);
      } catch (error) {
        if (ctx.signal.aborted) return;
        progress.set({ phase: 'failed', percent: 0, message: describeError(error) });
      } finally {
        submit.disabled = false;
      }
    })();
  });
  return form;
}

function modelsTable(answer: ModelsAnswer, activate: (version: string) => void): HTMLElement {
  const versions = answer.versions;
  if (versions.length === 0) return empty('No model yet.', 'Upload a dataset: a model is built from it automatically.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'models' },
      h('thead', {}, h('tr', {}, ['Version', 'Built', 'Ratings', 'Users', 'Movies', 'Action'].map((c, i) => h('th', { scope: 'col', class: i >= 2 && i <= 4 ? 'num' : null }, c)))),
      h(
        'tbody',
        {},
        versions.map((v) => {
          const counts = v.metrics?.counts;
          const isCurrent = v.version === answer.current;
          return h(
            'tr',
            { class: isCurrent ? 'current' : null },
            h('th', { scope: 'row' }, h('code', {}, v.version)),
            h('td', {}, v.createdAt ? formatTimestamp(Date.parse(v.createdAt)) : '–'),
            h('td', { class: 'num' }, formatCount(counts?.ratings)),
            h('td', { class: 'num' }, formatCount(counts?.users)),
            h('td', { class: 'num' }, formatCount(counts?.movies)),
            h('td', {}, isCurrent ? h('span', { class: 'badge' }, 'Serving') : h('button', { type: 'button', class: 'button secondary small', onclick: () => activate(v.version) }, 'Activate')),
          );
        }),
      ),
    ),
  );
}

/** Renders the admin page. */
export function adminView(ctx: ViewContext, hooks: AdminHooks): void {
  ctx.setTitle('Admin');
  const progress = progressBar();
  const modelsBody = h('div');
  const modelsStatus = h('p', { class: 'muted', role: 'status' });

  const reloadModels = (): void =>
    void load(ctx, modelsBody, () => ctx.api.getAdmin<ModelsAnswer>('/models'), (answer) => modelsBody.append(modelsTable(answer, activate), h('h3', {}, 'Model selection'), selectionCard(answer.selection)), 'Loading model versions…');

  const activate = (version: string): void => {
    void (async () => {
      try {
        await ctx.api.postJson(`/models/${encodeURIComponent(version)}/activate`, {}, true);
        modelsStatus.textContent = `Now serving ${version}.`;
        hooks.modelChanged();
        reloadModels();
      } catch (error) {
        modelsStatus.textContent = describeError(error);
      }
    })();
  };

  const rebuild = h('button', { type: 'button', class: 'button', id: 'rebuild' }, 'Rebuild model');
  rebuild.addEventListener('click', () => {
    rebuild.disabled = true;
    progress.set({ phase: 'rebuild', percent: 0, message: 'Requesting a model build…' });
    void (async () => {
      try {
        const accepted = await ctx.api.postJson<JobAccepted>('/models/rebuild', {}, true);
        const final = await followRebuild(ctx.api, accepted.jobId, progress.set, ctx.signal, 100);
        if (isFinished(final) && final.phase === 'done') {
          hooks.modelChanged();
          reloadModels();
        }
      } catch (error) {
        if (!ctx.signal.aborted) progress.set({ phase: 'failed', percent: 0, message: describeError(error) });
      } finally {
        rebuild.disabled = false;
      }
    })();
  });

  ctx.root.append(
    h('h1', {}, 'Admin'),
    h('section', { class: 'card' }, h('h2', {}, 'Access'), keyForm(ctx)),
    buildsCard(ctx),
    h('section', { class: 'card' }, h('h2', {}, 'Upload a dataset'), uploadForm(ctx, progress, hooks, reloadModels), progress.element),
    h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', {}, 'Model versions'), rebuild), modelsStatus, modelsBody),
  );
  replaceChildren(modelsBody);
  reloadModels();
}
