import type { ReactNode } from 'react';
import { onLinkClick } from '../router.js';

export function Link({
  to,
  children,
  className,
  testId,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <a href={to} onClick={onLinkClick} className={className} data-testid={testId}>
      {children}
    </a>
  );
}
