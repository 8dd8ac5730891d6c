import type { Role } from '@roomcast/shared';

/** A compact role marker; guests get their own badge since their role alone does not say so. */
export function RoleBadge({ role, isGuest, testId }: { role: Role; isGuest: boolean; testId?: string }) {
  if (isGuest) {
    return (
      <span className="badge badge-guest" data-testid={testId} data-role={role}>
        guest
      </span>
    );
  }
  return (
    <span className={`badge badge-${role}`} data-testid={testId} data-role={role}>
      {role}
    </span>
  );
}
