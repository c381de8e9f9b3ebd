// What the page finds on `window`: Tauri's IPC (withGlobalTauri) and what the backend sets
// before the page loads (src-tauri/app/window.rs).

interface TauriChannel<T> {
  onmessage: (message: T) => void;
}

interface Window {
  __TAURI__: {
    core: {
      invoke<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>;
      Channel: new <T>() => TauriChannel<T>;
    };
  };
  /** The system's locale, such as `fr_FR.UTF-8` or `en-GB`. */
  __PASSERELLE_LOCALE__?: string;
  /** The language the window speaks: `en` or `fr`. */
  __PASSERELLE_LANGUAGE__?: string;
}
