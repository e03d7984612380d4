import type { Config } from '../../config/config-schema.js';
import { catalogFromConfig } from '../../daemon/backend-catalog.js';

/** `list_backends` as the daemon would answer it with this configuration, probed here. */
export async function listBackendsHere(config: Config): Promise<{ default: string | null; backends: unknown[] }> {
  const catalog = catalogFromConfig(config);
  const [backends, fallback] = await Promise.all([catalog.list(), catalog.defaultBackend()]);
  return { default: fallback, backends };
}
