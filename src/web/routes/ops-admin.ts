import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../../app.js';
import { listAccounts } from '../../db/accounts.js';
import { listAgencies } from '../../db/agencies.js';
import { appendEvent } from '../../db/events.js';
import { listTokens } from '../../db/tokens.js';
import { BridgeError } from '../../errors.js';
import { addUser, changePassword, disableUser } from '../auth/accounts.js';
import { createToken, revoke } from '../auth/tokens.js';
import { actorOf, audit } from '../audit.js';
import { actorLabel } from '../types.js';
import { importDirectory, hosted } from '../services.js';
import { readUpload } from '../uploads.js';
import { flash, page } from '../views.js';
import { idParam } from './entry.js';

const op = { operatorOnly: true } as const;

/**
 * The operator's administration pages (docs/security.md §Accounts and roles, §API tokens): the
 * agency directory with its CSV import, the accounts (add, disable, set a password), and the
 * per-agency API tokens (created and shown once, revoked).
 */
export function opsAdminRoutes(app: App): FastifyPluginAsync {
  const usersPage = async (req: Parameters<typeof page>[1], reply: Parameters<typeof page>[2], extra: Record<string, unknown> = {}, status = 200) =>
    page(app, req, reply, 'users', { title: 'Tài khoản và mã API', accounts: await listAccounts(app.db), tokens: await listTokens(app.db), hosted: app.config.agencies, error: null, newToken: null, ...extra }, status);
  return async f => {
    f.get('/ops/directory', { config: op, schema: { hide: true } }, async (req, reply) => page(app, req, reply, 'directory', { title: 'Danh bạ cơ quan', directory: await listAgencies(app.db), error: null }));

    f.post('/ops/directory/import', { config: { ...op, uploadFiles: 1 }, schema: { hide: true } }, async (req, reply) => {
      const upload = await readUpload(req, Math.min(app.config.http.maxUploadBytes, 10 * 1024 * 1024));
      let result: Awaited<ReturnType<typeof importDirectory>>;
      let fileName: string;
      try {
        const file = upload.files.find(x => x.field === 'csv');
        if (!file) throw new BridgeError('USAGE', 'chọn tệp CSV danh bạ');
        fileName = file.name;
        result = await importDirectory(app, file.path);
      } finally {
        await upload.cleanup();
      }
      if (!result.ok) return page(app, req, reply, 'directory', { title: 'Danh bạ cơ quan', directory: await listAgencies(app.db), error: `Tệp bị từ chối, chưa nhập gì: ${result.problemText}. Sửa tệp rồi nhập lại.` }, 400);
      const r = result;
      await appendEvent(app.db, app.ports.clock.now(), { event: 'DIRECTORY_IMPORTED', data: { file: fileName, agencies: r.agencies, created: r.created, actor: actorLabel(actorOf(req)) } });
      app.ports.log.info('DIRECTORY_IMPORTED', { file: fileName, agencies: r.agencies, created: r.created });
      await audit(app, req, 'directory.import', { data: { file: fileName, agencies: r.agencies, created: r.created, updated: r.updated } });
      flash(req, `Đã nhập ${r.agencies} cơ quan (${r.created} mới, ${r.updated} cập nhật, ${r.addresses} địa chỉ thư).`);
      return reply.redirect('/ops/directory', 303);
    });

    f.get('/ops/users', { config: op, schema: { hide: true } }, async (req, reply) => usersPage(req, reply));

    f.post<{ Body: Record<string, string | string[] | undefined> }>('/ops/users', { config: op, schema: { hide: true } }, async (req, reply) => {
      const b = req.body ?? {};
      const agencies = [b.agencies ?? []].flat().map(String);
      try {
        const a = await addUser(app.db, app.config, { username: String(b.username ?? ''), displayName: String(b.displayName ?? ''), role: String(b.role ?? ''), agencies, password: String(b.password ?? '') }, app.ports.clock.now());
        await appendEvent(app.db, app.ports.clock.now(), { event: 'ACCOUNT_CREATED', refType: 'account', refId: a.id, data: { username: a.username, role: a.role, agencies: a.agencies, actor: actorLabel(actorOf(req)) } });
        app.ports.log.info('ACCOUNT_CREATED', { username: a.username, role: a.role });
        await audit(app, req, 'user.add', { refType: 'account', refId: a.id, data: { username: a.username, role: a.role } });
        flash(req, `Đã tạo tài khoản ${a.username}.`);
        return reply.redirect('/ops/users', 303);
      } catch (err) {
        if (err instanceof BridgeError && (err.code === 'USAGE' || err.code === 'DB_DUPLICATE')) return usersPage(req, reply, { error: `Chưa tạo được tài khoản: ${err.message}.` }, 400);
        throw err;
      }
    });

    f.post<{ Params: { id: string }; Body: { confirm?: string } }>('/ops/users/:id/disable', { config: op, schema: { hide: true } }, async (req, reply) => {
      const id = idParam(req.params.id);
      if (req.body?.confirm !== 'yes') throw new BridgeError('USAGE', 'đánh dấu ô xác nhận trước khi khóa tài khoản');
      const target = (await listAccounts(app.db)).find(a => a.id === id);
      if (!target) throw new BridgeError('NOT_FOUND', 'not found');
      await disableUser(app.db, target.username, app.ports.clock.now());
      await appendEvent(app.db, app.ports.clock.now(), { event: 'ACCOUNT_DISABLED', refType: 'account', refId: id, data: { username: target.username, actor: actorLabel(actorOf(req)) } });
      app.ports.log.info('ACCOUNT_DISABLED', { username: target.username });
      await audit(app, req, 'user.disable', { refType: 'account', refId: id });
      flash(req, `Đã khóa tài khoản ${target.username}.`);
      return reply.redirect('/ops/users', 303);
    });

    f.post<{ Params: { id: string }; Body: { password?: string } }>('/ops/users/:id/password', { config: op, schema: { hide: true } }, async (req, reply) => {
      const id = idParam(req.params.id);
      const target = (await listAccounts(app.db)).find(a => a.id === id);
      if (!target) throw new BridgeError('NOT_FOUND', 'not found');
      try {
        await changePassword(app.db, target.username, String(req.body?.password ?? ''), app.ports.clock.now());
      } catch (err) {
        if (err instanceof BridgeError && err.code === 'USAGE') return usersPage(req, reply, { error: `Chưa đặt được mật khẩu: ${err.message}.` }, 400);
        throw err;
      }
      await appendEvent(app.db, app.ports.clock.now(), { event: 'ACCOUNT_PASSWORD_CHANGED', refType: 'account', refId: id, data: { username: target.username, actor: actorLabel(actorOf(req)) } });
      app.ports.log.info('ACCOUNT_PASSWORD_CHANGED', { username: target.username });
      await audit(app, req, 'user.password', { refType: 'account', refId: id });
      flash(req, `Đã đặt mật khẩu mới cho ${target.username}; các phiên đăng nhập cũ đã kết thúc.`);
      return reply.redirect('/ops/users', 303);
    });

    f.post<{ Body: { agency?: string; name?: string } }>('/ops/tokens', { config: op, schema: { hide: true } }, async (req, reply) => {
      const agency = hosted(app, String(req.body?.agency ?? '')).code;
      const { id, token } = await createToken(app.db, agency, String(req.body?.name ?? ''), actorLabel(actorOf(req)), app.ports.clock.now());
      await appendEvent(app.db, app.ports.clock.now(), { event: 'TOKEN_CREATED', agencyCode: agency, refType: 'token', refId: id, data: { actor: actorLabel(actorOf(req)) } });
      app.ports.log.info('TOKEN_CREATED', { agency, token: id });
      await audit(app, req, 'token.create', { agency, refType: 'token', refId: id });
      return usersPage(req, reply, { newToken: { id, token, agency } });
    });

    f.post<{ Params: { id: string }; Body: { confirm?: string } }>('/ops/tokens/:id/revoke', { config: op, schema: { hide: true } }, async (req, reply) => {
      const id = idParam(req.params.id);
      if (req.body?.confirm !== 'yes') throw new BridgeError('USAGE', 'đánh dấu ô xác nhận trước khi thu hồi mã');
      await revoke(app.db, id, app.ports.clock.now());
      await appendEvent(app.db, app.ports.clock.now(), { event: 'TOKEN_REVOKED', refType: 'token', refId: id, data: { actor: actorLabel(actorOf(req)) } });
      app.ports.log.info('TOKEN_REVOKED', { token: id });
      await audit(app, req, 'token.revoke', { refType: 'token', refId: id });
      flash(req, `Đã thu hồi mã API #${id}.`);
      return reply.redirect('/ops/users', 303);
    });
  };
}
