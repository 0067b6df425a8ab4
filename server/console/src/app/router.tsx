import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import type { StaffRole } from '@o2o/shared';
import { AREAS } from '../pages';
import { homeFor, type ConsolePage } from './areas';
import { LoginPage } from './LoginPage';
import { NoAccess, NotFound } from './NoAccess';
import { getSession, useSession } from './session';
import { Shell } from './Shell';

/** Renders the page when the role may open it, 无权访问 otherwise (the server would refuse its data anyway). */
function Guarded({ page }: { page: ConsolePage }) {
  const session = useSession();
  const role: StaffRole | undefined = session?.staff.role;
  if (role && !page.roles.includes(role)) return <NoAccess home={homeFor(AREAS, role)} />;
  const C = page.component;
  return <C />;
}

function Home() {
  const s = getSession();
  return <Navigate to={s ? homeFor(AREAS, s.staff.role) : '/login'} replace />;
}

export function consoleRoutes(): RouteObject[] {
  const pages = AREAS.flatMap((a) => a.pages);
  return [
    { path: '/login', element: <LoginPage /> },
    {
      path: '/',
      element: <Shell />,
      children: [
        { index: true, element: <Home /> },
        ...pages.map((p) => ({ path: p.path.replace(/^\//, ''), element: <Guarded page={p} /> })),
        { path: 'no-access', element: <NoAccess /> },
        { path: '*', element: <NotFound /> },
      ],
    },
  ];
}

export function createConsoleRouter() {
  return createBrowserRouter(consoleRoutes(), { basename: import.meta.env.BASE_URL.replace(/\/$/, '') });
}
