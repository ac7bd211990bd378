import type { AdminRoute } from '../admin/admin-route.js';
import { NotFoundError } from '../errors/gateway-errors.js';
import { parseInput } from '../tenancy/tenancy-inputs.js';
import { exportCsv, exportNdjson } from './export-logs.js';
import { logExportQuery, logListQuery, parseListQuery, toLogQuery } from './log-query-input.js';
import { logExportResponse, requestLogDetailResponse, requestLogPageResponse } from './log-response-schemas.js';

/**
 * The request log through the admin API (admin token only: records span every tenant). Each
 * handler first flushes this instance's queue, so a request just answered is visible.
 */
export const logRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/logs',
    operationId: 'listLogs',
    summary: 'Request log records, newest first, filtered, with cursor pagination',
    tag: 'logs',
    query: logListQuery,
    response: { status: 200, schema: requestLogPageResponse, name: 'RequestLogPage', description: 'One page of records' },
    errors: [400],
    async handle({ gateway, query }) {
      const logQuery = parseListQuery(query);
      await gateway.logs.writer.flush();
      const page = await gateway.store.queryRequestLogs(logQuery);
      return { status: 200, body: { data: page.records, next_cursor: page.next_cursor } };
    },
  },
  {
    // Declared before /logs/{id}: the router takes the first route that matches.
    method: 'GET',
    path: '/logs/export',
    operationId: 'exportLogs',
    summary: 'Every matching record as NDJSON or CSV, streamed',
    tag: 'logs',
    query: logExportQuery,
    response: { status: 200, schema: logExportResponse, name: 'RequestLogExport', description: 'NDJSON or CSV' },
    errors: [400],
    async handle({ gateway, query }) {
      const input = parseInput(logExportQuery, query);
      const { limit: _limit, ...filters } = toLogQuery(input, 1);
      await gateway.logs.writer.flush();
      const csv = input.format === 'csv';
      return {
        status: 200,
        body: undefined,
        stream: {
          contentType: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
          filename: `sluice-logs.${csv ? 'csv' : 'ndjson'}`,
          chunks: csv ? exportCsv(gateway.store, filters) : exportNdjson(gateway.store, filters),
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/logs/{id}',
    operationId: 'getLog',
    summary: 'One request log record by request id (x-sluice-request-id), with its feedback',
    tag: 'logs',
    response: { status: 200, schema: requestLogDetailResponse, name: 'RequestLogDetail', description: 'The record' },
    errors: [404],
    async handle({ gateway, params }) {
      await gateway.logs.writer.flush();
      const [record, feedback] = await Promise.all([gateway.store.getRequestLog(params.id!), gateway.store.getRequestFeedback(params.id!)]);
      if (!record) throw new NotFoundError(`No request log record ${params.id}.`, 'log_not_found');
      return { status: 200, body: { ...record, feedback: feedback ?? null } };
    },
  },
];
