import { openStore } from '../store/open-store.js';
import { describeFeedbackEndToEnd } from './feedback-e2e-contract.js';

// One in-memory SQLite store shared by two gateway instances in this process.
describeFeedbackEndToEnd('SQLite', () => openStore('memory'));
