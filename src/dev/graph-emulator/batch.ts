// JSON batching (POST /$batch): up to 20 requests, dependsOn ordering, 424 for failed dependencies,
// and per-request status, headers and body. Each request runs through the normal pipeline.

import { badRequest, errorBody, GraphHttpError } from './graph-errors.js';

export const MAX_BATCH_REQUESTS = 20;

export interface BatchStep {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export interface StepResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export function parseBatch(body: unknown): BatchStep[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { requests?: unknown }).requests)) {
    throw badRequest("Invalid batch payload format: the body must be a JSON object with a 'requests' array.");
  }
  const raw = (body as { requests: unknown[] }).requests;
  if (raw.length === 0) throw badRequest('Invalid batch payload format: the batch has no requests.');
  if (raw.length > MAX_BATCH_REQUESTS) throw badRequest(`The batch request contains ${raw.length} requests; the maximum is ${MAX_BATCH_REQUESTS}.`);
  const steps = raw.map((item, index) => parseStep(item, index));
  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id.toLowerCase())) throw badRequest(`Batch request ids must be unique; '${step.id}' appears more than once.`);
    ids.add(step.id.toLowerCase());
  }
  for (const step of steps) {
    for (const dependency of step.dependsOn) {
      if (!ids.has(dependency.toLowerCase())) throw badRequest(`Request id '${step.id}' depends on '${dependency}', which is not in the batch.`);
    }
  }
  return steps;
}

function parseStep(item: unknown, index: number): BatchStep {
  if (typeof item !== 'object' || item === null) throw badRequest(`Invalid batch payload format: request ${index} is not an object.`);
  const fields = item as Record<string, unknown>;
  const id = typeof fields.id === 'string' ? fields.id : undefined;
  if (!id) throw badRequest(`Invalid batch payload format: request ${index} has no string 'id'.`);
  if (typeof fields.method !== 'string' || fields.method === '') throw badRequest(`Invalid batch payload format: request '${id}' has no 'method'.`);
  if (typeof fields.url !== 'string' || fields.url === '') throw badRequest(`Invalid batch payload format: request '${id}' has no 'url'.`);
  if (/^[a-z]+:\/\//i.test(fields.url)) throw badRequest(`Request id '${id}': the url must be relative to the version, e.g. '/users'.`);
  const headers: Record<string, string> = {};
  if (fields.headers !== undefined) {
    if (typeof fields.headers !== 'object' || fields.headers === null) throw badRequest(`Invalid batch payload format: request '${id}' has headers that are not an object.`);
    for (const [name, value] of Object.entries(fields.headers)) headers[name.toLowerCase()] = String(value);
  }
  if (fields.body !== undefined && headers['content-type'] === undefined) throw badRequest(`Write request id : ${id} does not contain Content-Type header or body.`);
  const dependsOn = fields.dependsOn === undefined ? [] : fields.dependsOn;
  if (!Array.isArray(dependsOn) || !dependsOn.every((dependency) => typeof dependency === 'string')) {
    throw badRequest(`Invalid batch payload format: request '${id}' has a dependsOn that is not an array of ids.`);
  }
  return { id, method: fields.method.toUpperCase(), url: fields.url, headers, body: fields.body, dependsOn };
}

/** Runs steps in dependency order (array order otherwise); a step whose dependency failed answers 424. */
export async function runBatch(
  steps: BatchStep[],
  execute: (step: BatchStep) => Promise<StepResponse>,
  ids: { requestId: string; clientRequestId: string; now: () => number },
): Promise<Array<StepResponse & { id: string }>> {
  const done = new Map<string, StepResponse>();
  const pending = [...steps];
  const responses: Array<StepResponse & { id: string }> = [];
  while (pending.length > 0) {
    const index = pending.findIndex((step) => step.dependsOn.every((dependency) => done.has(dependency.toLowerCase())));
    if (index === -1) throw badRequest('The dependsOn references in the batch form a cycle.');
    const [step] = pending.splice(index, 1) as [BatchStep];
    const failed = step.dependsOn.find((dependency) => (done.get(dependency.toLowerCase())?.status ?? 0) >= 400);
    const response: StepResponse = failed
      ? {
          status: 424,
          headers: { 'Content-Type': 'application/json' },
          body: errorBody(new GraphHttpError(424, 'FailedDependency', `Request '${step.id}' was not run because request '${failed}' failed.`), {
            requestId: ids.requestId,
            clientRequestId: ids.clientRequestId,
            now: ids.now(),
          }),
        }
      : await execute(step);
    done.set(step.id.toLowerCase(), response);
    responses.push({ id: step.id, ...response });
  }
  return responses;
}
