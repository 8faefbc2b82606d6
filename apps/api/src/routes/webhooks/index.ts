import { createRoute } from '@hono/zod-openapi';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listOf,
  listWebhooks,
  replayDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
  webhookDeliveryQuerySchema,
  webhookDeliverySchema,
  webhookInputSchema,
  webhookListQuerySchema,
  webhookRotateSchema,
  webhookSchema,
  webhookTestResultSchema,
  webhookUpdateSchema,
  webhookWithSecretSchema,
} from '@mailroom/core';
import { z } from 'zod';
import { body, json, newRouter, problems, security } from '../../lib/openapi';

export const webhookRoutes = newRouter();
const tags = ['Webhooks'];
const idParam = z.object({ id: z.string().min(1).max(64) });

webhookRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/webhooks',
    tags,
    summary: 'List webhook endpoints (never their secrets)',
    description:
      'Admins and viewers see every endpoint; a team admin sees the endpoints of their teams. System-level endpoints (no team) receive every event.',
    security,
    request: { query: webhookListQuerySchema },
    responses: { 200: json(listOf(webhookSchema)), 400: problems[400], 403: problems[403] },
  }),
  async (c) => c.json(await listWebhooks({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
);

webhookRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/webhooks',
    tags,
    summary: 'Create a webhook endpoint; its signing secret is in this response only',
    description:
      'Events are posted as `{ type, timestamp, data }`, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). `eventTypes` is a list or `"all"`. The URL must be `https://` (plain `http://` only to loopback where private hosts are allowed), never to a private or metadata address unless allowed.',
    security,
    request: { body: body(webhookInputSchema) },
    responses: {
      201: json(webhookWithSecretSchema, 'Created: `secret` is shown this once'),
      400: problems[400],
      403: problems[403],
    },
  }),
  async (c) => c.json(await createWebhook({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
);

webhookRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/webhooks/{id}',
    tags,
    summary: 'One webhook endpoint (never its secret)',
    security,
    request: { params: idParam },
    responses: { 200: json(webhookSchema), 403: problems[403], 404: problems[404] },
  }),
  async (c) => c.json(await getWebhook({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);

webhookRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/webhooks/{id}',
    tags,
    summary: 'Change a webhook endpoint: URL, description, event types, enabled',
    description: 'Enabling an endpoint Mailroom disabled (failing for three days) forgets its past failures.',
    security,
    request: { params: idParam, body: body(webhookUpdateSchema) },
    responses: { 200: json(webhookSchema), 400: problems[400], 403: problems[403], 404: problems[404] },
  }),
  async (c) =>
    c.json(
      await updateWebhook({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      200,
    ),
);

webhookRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/webhooks/{id}',
    tags,
    summary: 'Delete a webhook endpoint with its deliveries',
    security,
    request: { params: idParam },
    responses: { 200: json(z.object({ id: z.string() })), 403: problems[403], 404: problems[404] },
  }),
  async (c) => c.json(await deleteWebhook({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);

webhookRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/webhooks/{id}/rotate-secret',
    tags,
    summary: 'Rotate the signing secret; the new one is in this response only',
    description:
      'Until `overlapSeconds` pass (default one day), deliveries carry two signatures in `webhook-signature`, space-separated: the new secret and the old one.',
    security,
    request: {
      params: idParam,
      body: { required: false, content: { 'application/json': { schema: webhookRotateSchema } } },
    },
    responses: {
      200: json(webhookWithSecretSchema, 'The endpoint with its new `secret`, shown this once'),
      400: problems[400],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) =>
    c.json(
      await rotateWebhookSecret({
        ctx: c.get('ctx'),
        id: c.req.valid('param').id,
        input: c.req.valid('json') ?? {},
      }),
      200,
    ),
);

webhookRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/webhooks/{id}/test',
    tags,
    summary: 'Send a test event (`webhook.test`) to this endpoint',
    description:
      'Queued for the dispatcher like any event; its delivery appears in the endpoint’s deliveries.',
    security,
    request: { params: idParam },
    responses: {
      202: json(webhookTestResultSchema, 'Queued'),
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => c.json(await sendTestEvent({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 202),
);

webhookRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    tags,
    summary: "An endpoint's deliveries, newest first, each with its latest attempts",
    description:
      'Each attempt: time, status code, latency, the failure class (`timeout`, `refused`, `rejected` …) and the start of the answer (bounded, redacted).',
    security,
    request: { params: idParam, query: webhookDeliveryQuerySchema },
    responses: { 200: json(listOf(webhookDeliverySchema)), 400: problems[400], 404: problems[404] },
  }),
  async (c) =>
    c.json(
      await listDeliveries({
        ctx: c.get('ctx'),
        endpointId: c.req.valid('param').id,
        input: c.req.valid('query'),
      }),
      200,
    ),
);

webhookRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/webhooks/deliveries/{id}/replay',
    tags,
    summary: 'Deliver an event to its endpoint again (same `webhook-id`)',
    security,
    request: { params: idParam },
    responses: {
      202: json(webhookDeliverySchema, 'Queued again'),
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => c.json(await replayDelivery({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 202),
);
