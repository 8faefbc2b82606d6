export { createApp } from './app';
export { type Env, readEnv } from './env';
export { type RunningMailroom, type StartOptions, startMailroom } from './server';
