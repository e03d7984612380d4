import type { RoleSources } from '#core/chat/access.js';
import type { ChatHooks } from '#core/ports.js';

/** Counts wake-ups; the grants outside the state are whatever a test puts in `sources`. */
export class FakeChatHooks implements ChatHooks {
  wakes = 0;
  sources: RoleSources = { configUsers: [], envAdmins: [] };

  wake(): void {
    this.wakes += 1;
  }

  roleSources(): RoleSources {
    return this.sources;
  }
}
