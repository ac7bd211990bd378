import { openStore } from '../store/open-store.js';
import { describeAnalyticsStore } from './analytics-store-contract.js';

describeAnalyticsStore('SQLite', () => openStore('memory'));
