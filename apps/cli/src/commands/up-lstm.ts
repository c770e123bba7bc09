import type { Queue } from 'bullmq';
import { requestRebuild } from '@movielens/jobs';
import { ModelTable, type ModelMeta } from '@movielens/store';

/** What {@link queueLstmRebuild} reads of the model store. */
export interface ModelMetaReader {
  meta(version: string): Promise<Pick<ModelMeta, 'tables'> | null>;
}

/**
 * After `up` serves its first model: queues ONE more rebuild with `lstm: true` when the
 * served version has no next-movie LSTM table. The first build leaves the LSTM out (it costs
 * ~47 CPU s an epoch on ML-1M, 8 epochs), so the page answers within seconds; the page gains
 * "Because you just watched ..." when this second version is published, minutes later. The
 * other parameters keep their defaults, as the first build's did. Resolves to whether a
 * rebuild was queued (false when the version already has an LSTM, or its meta is gone).
 */
export async function queueLstmRebuild(models: ModelMetaReader, version: string, queue: Queue): Promise<boolean> {
  const meta = await models.meta(version);
  if (meta === null || meta.tables[ModelTable.lstm] !== undefined) return false;
  await requestRebuild(queue, { trigger: 'cli', params: { lstm: true } }, { debounceMs: 0 });
  return true;
}
