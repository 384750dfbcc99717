import { Navigate, Outlet, createBrowserRouter } from 'react-router-dom';
import { FullPageSpinner } from './components/states';
import { AppLayout } from './layout/AppLayout';
import { RequireAuth } from './layout/RequireAuth';
import { RouteError } from './pages/RouteError';

/** The console's routes; every page is its own chunk, loaded when first visited. */
export function createRouter() {
  return createBrowserRouter([
    {
      element: <Outlet />,
      HydrateFallback: FullPageSpinner,
      errorElement: <RouteError />,
      children: [
        {
          path: '/login',
          lazy: async () => ({ Component: (await import('./pages/LoginPage')).LoginPage }),
        },
        {
          path: '/',
          element: (
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          ),
          children: [
            {
              index: true,
              lazy: async () => ({ Component: (await import('./pages/overview/OverviewPage')).OverviewPage }),
            },
            {
              path: 'getting-started',
              lazy: async () => ({ Component: (await import('./pages/HomePage')).HomePage }),
            },
            {
              path: 'journeys',
              lazy: async () => ({ Component: (await import('./pages/journeys/JourneysPage')).JourneysPage }),
            },
            {
              path: 'surveys',
              children: [
                {
                  index: true,
                  lazy: async () => ({
                    Component: (await import('./pages/surveys/SurveysPage')).SurveysPage,
                  }),
                },
                {
                  path: ':id/:tab?',
                  lazy: async () => ({ Component: (await import('./pages/surveys/SurveyPage')).SurveyPage }),
                },
              ],
            },
            {
              path: 'cases',
              children: [
                {
                  index: true,
                  lazy: async () => ({
                    Component: (await import('./pages/cases/CasesInboxPage')).CasesInboxPage,
                  }),
                },
                {
                  path: 'analytics',
                  lazy: async () => ({
                    Component: (await import('./pages/cases/CaseAnalyticsPage')).CaseAnalyticsPage,
                  }),
                },
                {
                  path: ':id',
                  lazy: async () => ({
                    Component: (await import('./pages/cases/CaseViewPage')).CaseViewPage,
                  }),
                },
              ],
            },
            {
              path: 'customers',
              children: [
                {
                  index: true,
                  lazy: async () => ({
                    Component: (await import('./pages/customers/CustomersPage')).CustomersPage,
                  }),
                },
                {
                  path: ':id',
                  lazy: async () => ({
                    Component: (await import('./pages/customers/CustomerProfilePage')).CustomerProfilePage,
                  }),
                },
              ],
            },
            {
              path: 'segments',
              children: [
                {
                  index: true,
                  lazy: async () => ({
                    Component: (await import('./pages/segments/SegmentsPage')).SegmentsPage,
                  }),
                },
                {
                  path: ':key',
                  lazy: async () => ({
                    Component: (await import('./pages/segments/SegmentPage')).SegmentPage,
                  }),
                },
              ],
            },
            {
              path: 'settings',
              children: [
                { index: true, element: <Navigate to="workspace" replace /> },
                {
                  path: 'workspace',
                  lazy: async () => ({
                    Component: (await import('./pages/settings/WorkspaceSettingsPage')).WorkspaceSettingsPage,
                  }),
                },
                {
                  path: 'members',
                  lazy: async () => ({
                    Component: (await import('./pages/settings/MembersPage')).MembersPage,
                  }),
                },
                {
                  path: 'api-keys',
                  lazy: async () => ({
                    Component: (await import('./pages/settings/ApiKeysPage')).ApiKeysPage,
                  }),
                },
                {
                  path: 'write-keys',
                  lazy: async () => ({
                    Component: (await import('./pages/settings/WriteKeysPage')).WriteKeysPage,
                  }),
                },
                {
                  path: 'cases',
                  lazy: async () => ({
                    Component: (await import('./pages/cases/settings/CaseSettingsPage')).CaseSettingsPage,
                  }),
                },
                {
                  path: 'audit',
                  lazy: async () => ({
                    Component: (await import('./pages/settings/AuditLogPage')).AuditLogPage,
                  }),
                },
              ],
            },
            {
              path: '*',
              lazy: async () => ({ Component: (await import('./pages/NotFoundPage')).NotFoundPage }),
            },
          ],
        },
      ],
    },
  ]);
}
