import { whenPostgresReachable } from '../observability/postgres-test-support.js';
import { describeAlertDeliveryStore } from './alert-delivery-store-contract.js';

await whenPostgresReachable('PostgreSQL alert delivery store', (openStore) => describeAlertDeliveryStore('PostgreSQL', openStore));
