/** @movielens/jobs: queue names, job payload schemas and queue helpers. */
export { bullPrefix, QueueName } from './queues';
