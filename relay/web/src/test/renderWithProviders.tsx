// Renders components the way the portal does (i18n, React Query, router, notifications)
// for Vitest. Also teaches jsdom the <dialog> methods it lacks.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, renderHook, type RenderOptions } from "@testing-library/react";
import type { i18n as I18n } from "i18next";
import type { ReactNode } from "react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter, useLocation, type Location } from "react-router";
import NotificationsProvider from "../components/Notifications";
import { createI18n, type Language } from "../i18n";

installDialogPolyfill();

export interface ProviderOptions {
  route?: string; // initial URL, e.g. "/systems?q=abc"
  language?: Language;
  queryClient?: QueryClient;
  i18n?: I18n;
}

export interface Providers {
  i18n: I18n;
  queryClient: QueryClient;
  // The router's current location (follows navigation done by the component).
  location: () => Location;
  Wrapper: (props: { children: ReactNode }) => ReactNode;
}

export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, gcTime: Infinity, staleTime: Infinity },
      mutations: { retry: false },
    },
  });
}

export function createProviders(options: ProviderOptions = {}): Providers {
  const i18n = options.i18n ?? createI18n(options.language ?? "en");
  const queryClient = options.queryClient ?? createTestQueryClient();
  let current: Location | undefined;
  const LocationProbe = () => {
    current = useLocation();
    return null;
  };
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[options.route ?? "/"]}>
          <NotificationsProvider>
            {children}
            <LocationProbe />
          </NotificationsProvider>
        </MemoryRouter>
      </QueryClientProvider>
    </I18nextProvider>
  );
  return {
    i18n,
    queryClient,
    location: () => {
      if (!current) throw new Error("nothing rendered yet");
      return current;
    },
    Wrapper,
  };
}

export function renderWithProviders(
  ui: ReactNode,
  options: ProviderOptions & Omit<RenderOptions, "wrapper" | "queries"> = {},
) {
  const providers = createProviders(options);
  const result = render(ui, { ...options, wrapper: providers.Wrapper });
  return { ...result, ...providers };
}

export function renderHookWithProviders<Result, Props>(
  hook: (props: Props) => Result,
  options: ProviderOptions & { initialProps?: Props } = {},
) {
  const providers = createProviders(options);
  const result = renderHook(hook, { initialProps: options.initialProps, wrapper: providers.Wrapper });
  return { ...result, ...providers };
}

// jsdom has HTMLDialogElement without showModal()/close(). This stand-in toggles `open`,
// fires "cancel" on Escape (closing unless prevented) and "close" when closed; it does
// not make the page inert.
function installDialogPolyfill() {
  if (typeof HTMLDialogElement === "undefined") return;
  const proto = HTMLDialogElement.prototype;
  if (typeof proto.showModal === "function") return;
  const escapeHandlers = new WeakMap<HTMLDialogElement, (event: KeyboardEvent) => void>();
  proto.show = function show(this: HTMLDialogElement) {
    this.open = true;
  };
  proto.showModal = function showModal(this: HTMLDialogElement) {
    this.open = true;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || !this.open) return;
      const cancel = new Event("cancel", { cancelable: true });
      if (this.dispatchEvent(cancel)) this.close();
    };
    escapeHandlers.set(this, onKey);
    this.ownerDocument.addEventListener("keydown", onKey);
  };
  proto.close = function close(this: HTMLDialogElement, returnValue?: string) {
    if (!this.open) return;
    this.open = false;
    if (returnValue !== undefined) this.returnValue = returnValue;
    const onKey = escapeHandlers.get(this);
    if (onKey) this.ownerDocument.removeEventListener("keydown", onKey);
    escapeHandlers.delete(this);
    this.dispatchEvent(new Event("close"));
  };
}
