import type { ComponentType, LazyExoticComponent, ReactNode } from 'react';
import type { StaffRole } from '@o2o/shared';

/**
 * How a domain plugs pages into the console without touching the shell: each `src/pages/<area>/index.tsx`
 * exports one `ConsoleArea`, and `src/pages/index.ts` lists them. The shell builds the menu and the routes from
 * that list, hides what the signed-in role may not use, and answers a direct visit to such a page with 无权访问.
 * Roles here mirror the server's policies for the page's endpoints; the server stays the only guard.
 */
export interface ConsolePage {
  /** Relative to /console, e.g. '/stores' or '/customers/:id'. */
  path: string;
  name: string;
  roles: readonly StaffRole[];
  component: LazyExoticComponent<ComponentType> | ComponentType;
  /** Detail pages reached from a list: routed, not in the menu. */
  hideInMenu?: boolean;
}

export interface ConsoleArea {
  key: string;
  name: string;
  icon: ReactNode;
  /** Menu position, ascending. */
  order: number;
  pages: ConsolePage[];
}

export const ALL_STAFF: readonly StaffRole[] = ['store_manager', 'marketer', 'admin'];
export const BRAND: readonly StaffRole[] = ['marketer', 'admin'];
export const ADMIN_ONLY: readonly StaffRole[] = ['admin'];
export const MANAGER_AND_ADMIN: readonly StaffRole[] = ['store_manager', 'admin'];

export const ROLE_LABEL: Record<StaffRole, string> = { clerk: '导购', store_manager: '店长', marketer: '营销', admin: '管理员' };

export interface MenuEntry {
  path: string;
  name: string;
  icon?: ReactNode;
  children?: MenuEntry[];
}

/** The menu a role sees: areas in order, pages the role may open, areas with one page collapsed to a leaf. */
export function menuFor(areas: ConsoleArea[], role: StaffRole): MenuEntry[] {
  return [...areas]
    .sort((a, b) => a.order - b.order)
    .flatMap((area) => {
      const pages = area.pages.filter((p) => !p.hideInMenu && p.roles.includes(role));
      if (pages.length === 0) return [];
      if (pages.length === 1) return [{ path: pages[0].path, name: area.name === pages[0].name ? area.name : pages[0].name, icon: area.icon }];
      return [{ path: `/${area.key}`, name: area.name, icon: area.icon, children: pages.map((p) => ({ path: p.path, name: p.name })) }];
    });
}

/** The first page a role may open (where login lands). */
export function homeFor(areas: ConsoleArea[], role: StaffRole): string {
  const first = menuFor(areas, role)[0];
  return first ? (first.children?.[0]?.path ?? first.path) : '/no-access';
}

/**
 * The one menu entry a path belongs to: the longest leaf path that equals it or is a parent of it. ProLayout's own
 * matching lights every prefix (`/tags` and `/tags/bulk-phones` together); detail pages (`/customers/42`) keep
 * their list lit.
 */
export function selectedMenuPath(menu: MenuEntry[], pathname: string): string | undefined {
  let best: string | undefined;
  const visit = (entries: MenuEntry[]) => {
    for (const e of entries) {
      if (e.children) visit(e.children);
      else if ((pathname === e.path || pathname.startsWith(`${e.path}/`)) && (!best || e.path.length > best.length)) best = e.path;
    }
  };
  visit(menu);
  return best;
}
