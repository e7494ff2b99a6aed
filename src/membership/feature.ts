/** The membership feature: joining (the form, the mailed link), signing in (it says who is signed in), the member area, the .gov registry API. */
import type { Feature } from '../platform/feature.ts';
import { membershipSettings } from './settings.ts';
import { GovDomain, membershipApiRoutes } from './api-routes.ts';
import { accountRoutes } from './account-routes.ts';
import { coordinatorRoutes } from './coordinator-routes.ts';
import { joinConfirmRoutes } from './join-confirm-routes.ts';
import { joinRoutes } from './join-routes.ts';
import { oidcSignInRoutes } from './oidc-routes.ts';
import { signInRoutes } from './sign-in-routes.ts';
import { SESSION_COOKIE, sessionMember, sessionMemberWith } from './sessions.ts';

export const membershipFeature: Feature = {
  name: 'membership',
  settings: membershipSettings,
  // one plugin a page group: joining (the form, the mailed link), signing in (by email, by another provider), the member area, the coordinators' pages
  routes: (ctx) => [
    joinRoutes(ctx),
    joinConfirmRoutes(ctx),
    signInRoutes(ctx),
    oidcSignInRoutes(ctx),
    accountRoutes(ctx),
    coordinatorRoutes(ctx),
    membershipApiRoutes(ctx),
  ],
  api: { schemas: [GovDomain], tags: [{ name: 'membership', description: 'Joining: the .gov registry behind who may join' }] },
  sessionCookie: SESSION_COOKIE,
  identify: async (ctx, req, alongside) => {
    const raw = req.cookies[SESSION_COOKIE];
    // a session id is 32 random bytes in base64url; anything else is not worth a query
    if (!raw || !/^[A-Za-z0-9_-]{43}$/.test(raw)) return null;
    if (!alongside) return (await sessionMember(ctx.pool, raw, ctx.config.sessionDays)) ?? null;
    // the page's own query in the same round trip (the route reads it from req.alongside)
    const { member, row } = await sessionMemberWith(ctx.pool, raw, ctx.config.sessionDays, alongside);
    req.alongside = row;
    return member ?? null;
  },
};
