import { describeAnalyticsStore } from './analytics-store-contract.js';
import { whenPostgresReachable } from './postgres-test-support.js';

await whenPostgresReachable('PostgreSQL analytics store', (openPostgres) => describeAnalyticsStore('PostgreSQL', openPostgres));
