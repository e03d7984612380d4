declare const OMAR_VERSION: string | undefined;

/** Injected by the bundler from package.json; `dev` when running from sources. */
export const VERSION: string = typeof OMAR_VERSION === 'string' ? OMAR_VERSION : '0.0.0-dev';
