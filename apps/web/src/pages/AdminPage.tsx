import { Role, type AdminUserView } from '@roomcast/shared';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { adminApi } from '../api/http';
import { toApiError } from '../api/errors';
import { Alert } from '../components/Alert';
import { useSession } from '../stores/session';
import { AdminLive } from './AdminLive';

/** For an administrator: accounts (find, change role, disable or enable, delete), then the server and its rooms. */
export function AdminPage() {
  const me = useSession((s) => s.user);
  const [query, setQuery] = useState('');
  const [users, setUsers] = useState<AdminUserView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (q: string, cursor?: string) => {
    try {
      const page = await adminApi.users(q, cursor);
      setUsers((shown) => (cursor ? [...shown, ...page.users] : page.users));
      setNext(page.next);
      setError(null);
    } catch (raw) {
      setError(toApiError(raw).message);
    }
  }, []);
  useEffect(() => {
    if (me?.role === 'admin') void load('');
  }, [me?.role, load]);

  if (me?.role !== 'admin') {
    return (
      <section className="panel narrow">
        <h1>Administration</h1>
        <Alert>Only an administrator can see this page.</Alert>
      </section>
    );
  }

  /** Runs one change, then shows the list as the server has it now. */
  async function change(request: () => Promise<unknown>) {
    try {
      await request();
      await load(query);
    } catch (raw) {
      setError(toApiError(raw).message);
    }
  }

  function onSearch(event: FormEvent) {
    event.preventDefault();
    void load(query);
  }

  return (
    <section className="panel" data-testid="admin-page">
      <h1>Administration</h1>
      <p>
        <Link to="/admin/mailbox">Mailbox</Link>
      </p>
      <form className="form-inline" onSubmit={onSearch} role="search">
        <input type="search" aria-label="Find accounts" placeholder="Email or name" value={query} maxLength={100}
          onChange={(e) => setQuery(e.target.value)} data-testid="admin-search" />
        <button type="submit" className="button">Find</button>
      </form>
      {error && <Alert>{error}</Alert>}
      <table className="admin-users">
        <thead>
          <tr><th>Name</th><th>Email</th><th>Role</th><th>State</th><th /></tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid="admin-user">
              <td>{u.displayName}</td>
              <td>{u.email ?? '—'}</td>
              <td>
                <select aria-label={`Role of ${u.displayName}`} value={u.role} disabled={u.deleted || u.id === me.id}
                  onChange={(e) => void change(() => adminApi.setRole(u.id, Role.parse(e.target.value)))}>
                  {Role.options.map((r) => <option key={r} value={r}>{r}</option>)}
                </select>
              </td>
              <td>{u.deleted ? 'deleted' : u.disabled ? 'disabled' : u.emailConfirmed ? 'active' : 'unconfirmed'}</td>
              <td className="admin-actions">
                {!u.deleted && u.id !== me.id && (
                  <>
                    <button type="button" className="button button-quiet" onClick={() => void change(() => adminApi.setDisabled(u.id, !u.disabled))}>
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                    <button type="button" className="button button-danger"
                      onClick={() => window.confirm(`Delete ${u.displayName}’s account? This cannot be undone.`) && void change(() => adminApi.deleteUser(u.id))}>
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && <button type="button" className="button" onClick={() => void load(query, next)}>More</button>}
      <AdminLive />
    </section>
  );
}
