import { verifyPassword } from '../../platform/crypto/index.js';
import { inTransaction, type Db } from '../../platform/db/index.js';
import type { ActorContext } from '../audit/index.js';
import { addMember } from './member.service.js';
import type { Role } from './permissions.js';
import { createUser, findUserByEmail } from './user.service.js';
import { createWorkspace } from './workspace.service.js';
import { createWriteKey } from './write-key.service.js';

export const DEMO_SLUG = 'demo';
export const DEMO_LOGIN = { email: 'demo@touchpoint.dev', password: 'touchpoint-demo' } as const;

const DEMO_TEAM: { email: string; name: string; role: Role }[] = [
  { email: 'analyst@touchpoint.dev', name: '李分析 Li Fenxi', role: 'analyst' },
  { email: 'marketer@touchpoint.dev', name: '王营销 Wang Yingxiao', role: 'marketer' },
  { email: 'agent@touchpoint.dev', name: '张客服 Zhang Kefu', role: 'agent' },
  { email: 'viewer@touchpoint.dev', name: '赵查看 Zhao Chakan', role: 'viewer' },
];

/**
 * Seeds the demo workspace (slug `demo`): an owner with the documented demo login, one teammate per role (same
 * password) and a write key for the demo website. Idempotent: does nothing when the workspace exists.
 * Returns false when it already existed.
 */
export async function seedDemoWorkspace(db: Db, ctx: ActorContext, timeZone: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom('workspaces')
      .select('id')
      .where('slug', '=', DEMO_SLUG)
      .executeTakeFirst();
    if (existing) return false;
    const owner =
      (await findUserByEmail(trx, DEMO_LOGIN.email)) ??
      (await createUser(trx, ctx, {
        email: DEMO_LOGIN.email,
        name: '演示管理员 Demo Admin',
        password: DEMO_LOGIN.password,
      }));
    const ws = await createWorkspace(trx, ctx, {
      slug: DEMO_SLUG,
      name: '星河移动（演示）Galaxy Mobile Demo',
      timeZone,
      defaultLocale: 'zh-CN',
      ownerUserId: owner.id,
    });
    for (const m of DEMO_TEAM) {
      await addMember(trx, ctx, null, ws.id, { ...m, password: DEMO_LOGIN.password });
    }
    await createWriteKey(trx, ctx, ws.id, { name: '官网 Website' });
    await createWriteKey(trx, ctx, ws.id, { name: '手机 App' });
    return true;
  });
}

/** True while the demo owner still has the documented password (so start-up may print it). */
export async function demoLoginStillValid(db: Db): Promise<boolean> {
  const user = await findUserByEmail(db, DEMO_LOGIN.email);
  return user !== undefined && (await verifyPassword(DEMO_LOGIN.password, user.password_hash));
}
