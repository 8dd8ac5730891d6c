import type { ReactNode } from 'react';

interface AlertProps {
  children: ReactNode;
  testId?: string;
  tone?: 'error' | 'warning' | 'info';
}

/** An announced message. Errors and warnings interrupt (role=alert); info waits its turn. */
export function Alert({ children, testId, tone = 'error' }: AlertProps) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'info' ? 'status' : 'alert'} data-testid={testId}>
      {children}
    </div>
  );
}
