//! A tray panel for the test desktop: a StatusNotifierWatcher on the
//! session bus, which is what desktop panels (KDE, GNOME's AppIndicator
//! extension, waybar…) run. Apps register their tray items with it over
//! D-Bus; a test then reads an item's properties and its menu
//! (`com.canonical.dbusmenu`) and clicks menu entries, as a user would on
//! the panel. Without a watcher, libappindicator falls back to an XEmbed
//! icon that nothing on Xvfb shows.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use zbus::blocking::{Connection, Proxy, connection};
use zbus::message::Header;
use zbus::proxy::CacheProperties;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

const WATCHER_NAME: &str = "org.kde.StatusNotifierWatcher";
const WATCHER_PATH: &str = "/StatusNotifierWatcher";
const ITEM_INTERFACE: &str = "org.kde.StatusNotifierItem";
const MENU_INTERFACE: &str = "com.canonical.dbusmenu";

/// A registered tray item: the bus name of its process and its object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayItem {
    pub bus: String,
    pub path: String,
}

/// One entry of an item's menu, as a panel would show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub id: i32,
    pub label: String,
    pub enabled: bool,
}

/// A dbusmenu layout node `(ia{sv}av)`: id, properties, children.
type MenuNode = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// The watcher, served on its own connection for as long as this lives.
#[derive(Debug)]
pub struct TrayHost {
    connection: Connection,
    items: Arc<Mutex<Vec<TrayItem>>>,
}

struct Watcher {
    items: Arc<Mutex<Vec<TrayItem>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    /// Items register either by object path (libappindicator: the bus name
    /// is the caller's) or by bus name (the object is then the default).
    fn register_status_notifier_item(&self, service: &str, #[zbus(header)] header: Header<'_>) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let item = if service.starts_with('/') {
            TrayItem {
                bus: sender,
                path: service.to_owned(),
            }
        } else {
            TrayItem {
                bus: service.to_owned(),
                path: "/StatusNotifierItem".to_owned(),
            }
        };
        let mut items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        items.retain(|i| *i != item);
        items.push(item);
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        let items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        items
            .iter()
            .map(|i| format!("{}{}", i.bus, i.path))
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

impl TrayHost {
    /// Serves the watcher on the bus at `address`.
    pub fn start(address: &str) -> io::Result<TrayHost> {
        let items = Arc::new(Mutex::new(Vec::new()));
        let watcher = Watcher {
            items: items.clone(),
        };
        let connection = connection::Builder::address(address)
            .and_then(|b| b.name(WATCHER_NAME))
            .and_then(|b| b.serve_at(WATCHER_PATH, watcher))
            .and_then(|b| b.build())
            .map_err(|e| io::Error::other(format!("cannot serve the tray watcher: {e}")))?;
        Ok(TrayHost { connection, items })
    }

    /// The items registered so far whose process is still on the bus.
    pub fn items(&self) -> Vec<TrayItem> {
        let items = self
            .items
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Ok(bus) = zbus::blocking::fdo::DBusProxy::new(&self.connection) else {
            return Vec::new();
        };
        items
            .into_iter()
            .filter(|i| {
                zbus::names::BusName::try_from(i.bus.as_str())
                    .ok()
                    .and_then(|name| bus.name_has_owner(name).ok())
                    .unwrap_or(false)
            })
            .collect()
    }

    /// A property of the item's `org.kde.StatusNotifierItem` interface,
    /// read fresh (not from a cache).
    pub fn property(&self, item: &TrayItem, name: &str) -> io::Result<OwnedValue> {
        self.proxy(&item.bus, &item.path, ITEM_INTERFACE)?
            .get_property(name)
            .map_err(|e| io::Error::other(format!("item property {name}: {e}")))
    }

    /// A string property of the item (`Title`, `Status`, `XAyatanaLabel`…).
    pub fn text_property(&self, item: &TrayItem, name: &str) -> io::Result<String> {
        String::try_from(self.property(item, name)?)
            .map_err(|e| io::Error::other(format!("item property {name}: {e}")))
    }

    /// The item's menu, top level, in order.
    pub fn menu(&self, item: &TrayItem) -> io::Result<Vec<MenuEntry>> {
        let menu = self.menu_proxy(item)?;
        let no_properties: Vec<&str> = Vec::new();
        let (_revision, (_root, _props, children)): (u32, MenuNode) = menu
            .call("GetLayout", &(0i32, 1i32, no_properties))
            .map_err(|e| io::Error::other(format!("menu layout: {e}")))?;
        children.into_iter().map(menu_entry).collect()
    }

    /// Clicks the menu entry whose label is `label`, as a panel does.
    pub fn click(&self, item: &TrayItem, label: &str) -> io::Result<()> {
        let entry = self
            .menu(item)?
            .into_iter()
            .find(|e| e.label == label)
            .ok_or_else(|| io::Error::other(format!("no menu entry {label:?}")))?;
        self.menu_proxy(item)?
            .call_method("Event", &(entry.id, "clicked", Value::from(0i32), 0u32))
            .map(drop)
            .map_err(|e| io::Error::other(format!("clicking {label:?}: {e}")))
    }

    fn menu_proxy(&self, item: &TrayItem) -> io::Result<Proxy<'static>> {
        let path = OwnedObjectPath::try_from(self.property(item, "Menu")?)
            .map_err(|e| io::Error::other(format!("item has no menu: {e}")))?;
        self.proxy(&item.bus, path.as_str(), MENU_INTERFACE)
    }

    fn proxy(&self, bus: &str, path: &str, interface: &str) -> io::Result<Proxy<'static>> {
        zbus::blocking::proxy::Builder::new(&self.connection)
            .destination(bus.to_owned())
            .and_then(|b| b.path(path.to_owned()))
            .and_then(|b| b.interface(interface.to_owned()))
            .map(|b| b.cache_properties(CacheProperties::No))
            .and_then(|b| b.build())
            .map_err(|e| io::Error::other(format!("no proxy for {bus}{path}: {e}")))
    }
}

/// One layout node as an entry (its children are not needed).
fn menu_entry(node: OwnedValue) -> io::Result<MenuEntry> {
    let (id, props, _children): MenuNode = node
        .try_into()
        .map_err(|e| io::Error::other(format!("menu entry: {e}")))?;
    let label = props
        .get("label")
        .and_then(|v| String::try_from(v.clone()).ok())
        .unwrap_or_default();
    // dbusmenu leaves out properties at their default: enabled is true.
    let enabled = props
        .get("enabled")
        .and_then(|v| bool::try_from(v.clone()).ok())
        .unwrap_or(true);
    Ok(MenuEntry { id, label, enabled })
}
