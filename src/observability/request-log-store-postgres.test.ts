import { whenPostgresReachable } from './postgres-test-support.js';
import { describeRequestLogStore } from './request-log-store-contract.js';

await whenPostgresReachable('PostgreSQL request log store', (openStore) => describeRequestLogStore('PostgreSQL', openStore));
