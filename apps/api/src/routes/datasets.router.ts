import { Router, type RequestHandler } from 'express';
import { uploadFields } from '@movielens/contracts';
import { enqueueIngest } from '@movielens/jobs';
import type { AppDeps } from '../deps';
import { HttpError } from '../middleware/errors';
import { receiveUpload } from '../services/upload-receiver';

/** A form field checked on arrival (`name: reason`), null when fine. An unknown name is refused: a misspelt `maxerrors` must not be dropped. */
function checkField(name: string, value: string): string | null {
  if (name !== 'mode' && name !== 'maxErrors') return `${JSON.stringify(name.slice(0, 40))}: unknown form field; the fields are mode (replace|append) and maxErrors, the files go in file parts.`;
  const parsed = uploadFields.shape[name].safeParse(value);
  return parsed.success ? null : `${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
}

/**
 * `POST /datasets`: a multipart upload of MovieLens files (or a release .zip) streamed into
 * Redis, then an ingest job. Answers 202 with the job to follow.
 * @param guard - API key check and write rate limit, applied before the body is read
 */
export function datasetsRouter({ uploads, queues, settings }: AppDeps, guard: RequestHandler[]): Router {
  const router = Router();
  router.post('/datasets', ...guard, async (req, res) => {
    if (!req.is('multipart/form-data')) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the files as multipart/form-data (fields: files, mode=replace|append, maxErrors).');
    }
    const received = await receiveUpload(req, uploads, { limitBytes: settings.uploadLimitBytes, tmpDir: settings.tmpDir, checkField });
    const fields = uploadFields.safeParse(received.fields);
    if (!fields.success || received.files.length === 0) {
      await uploads.delete(received.uploadId);
      const reason = fields.success
        ? received.skipped.length > 0
          ? `files: no MovieLens ratings/movies/users file found (skipped ${received.skipped.slice(0, 5).join(', ')})`
          : 'files: no file was uploaded'
        : fields.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new HttpError(400, 'BAD_REQUEST', reason);
    }
    const job = await enqueueIngest(queues.ingest, { uploadId: received.uploadId, ...fields.data });
    res.status(202).json({ jobId: `ingest:${job.id}`, uploadId: received.uploadId, files: received.files, skipped: received.skipped, mode: fields.data.mode });
  });
  return router;
}
