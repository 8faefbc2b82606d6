import { newRouter } from '../../lib/openapi';
import { teamRoutes } from './teams';
import { tokenRoutes } from './tokens';
import { userRoutes } from './users';

/** People: API tokens, teams and users (their lifecycle is admin-only; see core auth/users/guards.ts). */
export const adminRoutes = newRouter();
adminRoutes.route('/', tokenRoutes);
adminRoutes.route('/', teamRoutes);
adminRoutes.route('/', userRoutes);
