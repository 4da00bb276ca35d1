export * from './task';
export * from './prompt';
export * from './contract-review';
export * from './summarize';
export * from './extract-entities';
export * from './registry';
export * from './user-task';
