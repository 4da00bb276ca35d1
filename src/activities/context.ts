import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Client } from '@temporalio/client';
import type { NotificationTargets } from '../notify/notifier';
import type { ObjectStore } from '../store/object-store';

/** What activities need from the outside world, built once by the worker. */
export interface ActivityContext {
  store: ObjectStore;
  /** `s3://bucket[/prefix]`: every key of the storage layout lives under it. */
  storeRoot: string;
  bedrock: BedrockClient;
  runtime: BedrockRuntimeClient;
  temporal: Client;
  /** Role Bedrock assumes for batch jobs. */
  roleArn: string;
  notifications: NotificationTargets;
}

/** The URI of a layout key under the store root. */
export function uriOf(ctx: Pick<ActivityContext, 'storeRoot'>, key: string): string {
  return `${ctx.storeRoot.replace(/\/+$/, '')}/${key}`;
}
