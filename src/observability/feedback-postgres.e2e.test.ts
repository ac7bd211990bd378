import { describeFeedbackEndToEnd } from './feedback-e2e-contract.js';
import { whenPostgresReachable } from './postgres-test-support.js';

await whenPostgresReachable('PostgreSQL feedback end to end', (openPostgres) => describeFeedbackEndToEnd('PostgreSQL', openPostgres));
