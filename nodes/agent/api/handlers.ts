// Binds every API verb to its handler.
import type { AgentContext } from '../agent-context.js';
import type { ApiHandlers } from '../../../cluster/api/index.js';
import { deploy } from './deploy.handler.js';
import { status, inspect } from './query.handlers.js';
import { rollback } from './rollback.handler.js';
import { scale } from './scale.handler.js';
import { envSet, envUnset, envList, envRotateKey } from './env.handlers.js';
import { logs } from './logs.handler.js';
import { nodes } from './nodes.handler.js';
import { chart } from './chart.handler.js';
import { domains } from './domains.handler.js';
import { sourceCheck, watch } from './watch.handler.js';
import { feed } from './feed.handler.js';

export function apiHandlers(ctx: AgentContext): ApiHandlers {
  return {
    deploy: (req) => deploy(ctx, req),
    status: async (req) => status(ctx, req),
    inspect: (req) => inspect(ctx, req),
    rollback: (req) => rollback(ctx, req),
    scale: (req) => scale(ctx, req),
    'env.set': (req) => envSet(ctx, req),
    'env.unset': (req) => envUnset(ctx, req),
    'env.list': (req) => envList(ctx, req),
    'env.rotate-key': (req) => envRotateKey(ctx, req),
    logs: (req) => logs(ctx, req),
    nodes: () => nodes(ctx),
    chart: async (req) => chart(ctx, req),
    domains: (req) => domains(ctx, req),
    watch: (req) => watch(ctx, req),
    feed: (req) => feed(ctx.index, ctx.transitions, req),
    'source.check': (req) => sourceCheck(ctx, req),
  };
}
