// Resolves the examples' bare imports (`@trpc/server`, `@interoffice/trpc`, `zod`…) from
// packages/trpc, whose dependencies pnpm has installed: examples/trpc is plain files, not a
// workspace package with a node_modules of its own. See register.mjs.
const from = new URL('../../packages/trpc/package.json', import.meta.url).href;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const bare = !/^(\.|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
    if (!bare || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return next(specifier, { ...context, parentURL: from });
  }
}
