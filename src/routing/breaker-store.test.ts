import { describeBreakerContract } from './breaker-store-contract.js';
import { MemoryBreakerStore } from './breaker-store.js';

describeBreakerContract('memory', async () => new MemoryBreakerStore());
