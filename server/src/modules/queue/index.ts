import type { Config } from '../../config';
import type { Logger } from '../../lib/logger';
import { BullmqQueue } from './bullmq-queue';
import { MemoryQueue } from './memory-queue';
import type { JobQueue } from './queue';

export * from './queue';
export { BullmqQueue } from './bullmq-queue';
export { MemoryQueue } from './memory-queue';

/** BullMQ when REDIS_URL is set, the in-process queue otherwise. */
export function createQueue(config: Pick<Config, 'redisUrl' | 'campaign'>, log: Logger): JobQueue {
  return config.redisUrl ? new BullmqQueue(config.redisUrl, config.campaign.queuePrefix, log) : new MemoryQueue(log);
}
