export * from './event';
export * from './webhook';
export * from './sns';
export * from './notifier';
