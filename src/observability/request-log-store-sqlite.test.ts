import { openStore } from '../store/open-store.js';
import { describeRequestLogStore } from './request-log-store-contract.js';

describeRequestLogStore('SQLite', () => openStore('memory'));
