/** `POST /api/v1/datasets`: a multipart upload of MovieLens files, then an ingest job. */
import { z } from 'zod';
import { errorAnswer, writeErrors } from '../common.schema';
import { defineRoute } from '../route';

/** The form fields beside the files; each is checked as it arrives, and an unknown name is refused. */
export const uploadFields = z.object({
  mode: z.enum(['replace', 'append']).default('replace').describe('replace: a new dataset; append: the files add to the current one'),
  maxErrors: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Bad lines tolerated (skipped and reported) before the ingest fails (default 0)'),
});

/** The multipart form as documented: the files and the fields. */
export const uploadForm = uploadFields.extend({
  files: z
    .array(z.string().meta({ format: 'binary' }))
    .max(20)
    .describe('At most 20 files (ratings, movies, users, or a release .zip); no two staged under one name (a zip entry counts by its base name)'),
});

/** `202` of an upload: the ingest job to follow, what was staged and what was skipped. */
export const uploadAccepted = z
  .object({
    jobId: z.string().describe('Follow at GET /api/v1/jobs/{id}, e.g. ingest:12'),
    uploadId: z.string(),
    files: z.array(z.string()).describe('Staged file names'),
    skipped: z.array(z.string()).describe('Files (or zip entries) that are no MovieLens file'),
    mode: z.enum(['replace', 'append']),
  })
  .meta({ id: 'UploadAccepted' });

/** `POST /api/v1/datasets` */
export const uploadDatasetRoute = defineRoute({
  method: 'post',
  path: '/api/v1/datasets',
  tag: 'datasets',
  summary: 'Upload MovieLens files (ratings, movies, users) or a release .zip; starts an ingest job',
  auth: true,
  body: uploadForm,
  bodyType: 'multipart/form-data',
  responses: {
    202: { description: 'Accepted: follow jobId at /api/v1/jobs/{id}', schema: uploadAccepted },
    ...writeErrors,
    413: errorAnswer('Upload larger than the limit, as sent or unpacked (zip entries count unpacked), a zip of more than 1000 entries, or more form fields or parts than allowed (20 fields, 40 parts, values of at most 1 KB)'),
    415: errorAnswer('Not multipart/form-data'),
  },
});

/** Every route of this resource. */
export const datasetRoutes = [uploadDatasetRoute];
