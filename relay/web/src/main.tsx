import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { I18nextProvider } from "react-i18next";
import { RouterProvider } from "react-router";
import { createRouter } from "./App";
import { Notifications } from "./components/Notifications";
import { createI18n, initialLanguage } from "./i18n";
import "./styles/base.css";
import "./components/common.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live events invalidate what changed, so data may stay fresh for a while.
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      retry: (failureCount, error) =>
        failureCount < 2 && !(error instanceof Error && "status" in error && Number(error.status) < 500),
    },
  },
});

const i18n = createI18n(initialLanguage());
const router = createRouter();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <Notifications>
          <Suspense>
            <RouterProvider router={router} />
          </Suspense>
        </Notifications>
      </QueryClientProvider>
    </I18nextProvider>
  </StrictMode>,
);
