import { openStore } from '../store/open-store.js';
import { describeAlertDeliveryStore } from './alert-delivery-store-contract.js';

describeAlertDeliveryStore('SQLite', () => openStore('memory'));
