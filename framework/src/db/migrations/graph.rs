//! The migrations of all apps as a dependency graph: plans forwards and backwards.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::error::{MigrationError, Result};
use super::file::MigrationFile;
use super::state::ProjectState;
use super::writer::number_of;

/// In a dependency, "the app's latest migration" (resolved when the graph is built).
pub const LATEST: &str = "__latest__";
/// In a dependency, "the app's first migration".
pub const FIRST: &str = "__first__";
/// As the target of [`MigrationGraph::backwards_plan`], "before the app's first migration".
pub const ZERO: &str = "zero";

/// A migration's identity: its app and name (`articles.0002_article_slug`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MigrationKey {
    /// The app label.
    pub app: String,
    /// The migration's name (file name without `.toml`).
    pub name: String,
}

impl MigrationKey {
    /// A key from app and name.
    pub fn new(app: impl Into<String>, name: impl Into<String>) -> Self {
        MigrationKey {
            app: app.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for MigrationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.app, self.name)
    }
}

/// Every migration of every app, with their dependencies resolved and checked.
#[derive(Debug, Clone)]
pub struct MigrationGraph {
    apps: Vec<String>,
    names: BTreeMap<String, Vec<String>>,
    files: BTreeMap<MigrationKey, MigrationFile>,
    parents: BTreeMap<MigrationKey, Vec<MigrationKey>>,
    /// All migrations in forwards order.
    order: Vec<MigrationKey>,
}

impl MigrationGraph {
    /// Builds the graph from `(app, name, file)` triples; apps are ordered as first seen.
    /// Each migration depends on the previous one of its app (by number) and on its
    /// declared dependencies. Missing dependencies and cycles are errors naming them.
    pub fn new(
        migrations: impl IntoIterator<Item = (String, String, MigrationFile)>,
    ) -> Result<Self> {
        let mut apps: Vec<String> = Vec::new();
        let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut files = BTreeMap::new();
        for (app, name, file) in migrations {
            if !apps.contains(&app) {
                apps.push(app.clone());
            }
            names.entry(app.clone()).or_default().push(name.clone());
            let key = MigrationKey::new(app, name);
            if files.insert(key.clone(), file).is_some() {
                return Err(MigrationError::graph(format!(
                    "Migration {key} is listed twice"
                )));
            }
        }
        for list in names.values_mut() {
            list.sort_by_key(|name| (number_of(name), name.clone()));
        }
        let mut graph = MigrationGraph {
            apps,
            names,
            files,
            parents: BTreeMap::new(),
            order: Vec::new(),
        };
        graph.parents = graph.resolve_parents()?;
        graph.order = graph.sort()?;
        Ok(graph)
    }

    fn resolve_parents(&self) -> Result<BTreeMap<MigrationKey, Vec<MigrationKey>>> {
        let mut parents = BTreeMap::new();
        for (app, list) in &self.names {
            for (index, name) in list.iter().enumerate() {
                let key = MigrationKey::new(app.as_str(), name.as_str());
                let mut deps = Vec::new();
                if let Some(previous) = index.checked_sub(1).and_then(|i| list.get(i)) {
                    deps.push(MigrationKey::new(app.as_str(), previous.as_str()));
                }
                let declared = self.files.get(&key).map(|f| f.dependencies.as_slice());
                for (dep_app, dep_name) in declared.unwrap_or_default() {
                    let dep = self.resolve(&key, dep_app, dep_name)?;
                    if !deps.contains(&dep) {
                        deps.push(dep);
                    }
                }
                parents.insert(key, deps);
            }
        }
        Ok(parents)
    }

    fn resolve(&self, from: &MigrationKey, app: &str, name: &str) -> Result<MigrationKey> {
        let list = self.names.get(app).map(Vec::as_slice).unwrap_or_default();
        let found = match name {
            LATEST => list.last(),
            FIRST => list.first(),
            _ => list.iter().find(|n| *n == name),
        };
        match found {
            Some(found) => Ok(MigrationKey::new(app, found.as_str())),
            None if list.is_empty() => Err(MigrationError::graph(format!(
                "Migration {from} depends on app {app}, which has no migrations"
            ))),
            None => Err(MigrationError::graph(format!(
                "Migration {from} depends on nonexistent migration {app}.{name}"
            ))),
        }
    }

    /// Kahn's algorithm, taking the smallest (app order, number, name) ready migration first.
    fn sort(&self) -> Result<Vec<MigrationKey>> {
        let rank = |key: &MigrationKey| {
            let app = self.apps.iter().position(|a| *a == key.app);
            (app, number_of(&key.name), key.clone())
        };
        let mut waiting: BTreeMap<MigrationKey, usize> = self
            .parents
            .iter()
            .map(|(k, p)| (k.clone(), p.len()))
            .collect();
        let children = self.children();
        let mut ready: BTreeSet<_> = waiting
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(k, _)| rank(k))
            .collect();
        let mut order = Vec::with_capacity(waiting.len());
        while let Some(next) = ready.pop_first() {
            let key = next.2;
            for child in children.get(&key).into_iter().flatten() {
                if let Some(count) = waiting.get_mut(child) {
                    *count -= 1;
                    if *count == 0 {
                        ready.insert(rank(child));
                    }
                }
            }
            waiting.remove(&key);
            order.push(key);
        }
        if waiting.is_empty() {
            Ok(order)
        } else {
            Err(MigrationError::graph(format!(
                "Circular dependency between migrations (each depends on the next): {}",
                self.find_cycle(&waiting)
            )))
        }
    }

    fn children(&self) -> BTreeMap<MigrationKey, Vec<MigrationKey>> {
        let mut children: BTreeMap<MigrationKey, Vec<MigrationKey>> = BTreeMap::new();
        for (child, parents) in &self.parents {
            for parent in parents {
                children
                    .entry(parent.clone())
                    .or_default()
                    .push(child.clone());
            }
        }
        children
    }

    /// A cycle among the migrations left unsorted, as `a -> b -> a`.
    fn find_cycle(&self, stuck: &BTreeMap<MigrationKey, usize>) -> String {
        let Some(start) = stuck.keys().next() else {
            return String::new();
        };
        let mut path = vec![start.clone()];
        while let Some(current) = path.last() {
            let next = self
                .parents
                .get(current)
                .into_iter()
                .flatten()
                .find(|p| stuck.contains_key(*p));
            let Some(next) = next else { break };
            if let Some(at) = path.iter().position(|k| k == next) {
                let mut cycle: Vec<String> = path[at..].iter().map(|k| k.to_string()).collect();
                cycle.push(next.to_string());
                return cycle.join(" -> ");
            }
            path.push(next.clone());
        }
        start.to_string()
    }

    /// The apps, in the order given.
    pub fn apps(&self) -> &[String] {
        &self.apps
    }

    /// An app's migration names, oldest first.
    pub fn names(&self, app: &str) -> &[String] {
        self.names.get(app).map(Vec::as_slice).unwrap_or_default()
    }

    /// A migration's file.
    pub fn file(&self, key: &MigrationKey) -> Option<&MigrationFile> {
        self.files.get(key)
    }

    /// What a migration depends on (resolved, the previous migration of its app first).
    pub fn dependencies(&self, key: &MigrationKey) -> &[MigrationKey] {
        self.parents.get(key).map(Vec::as_slice).unwrap_or_default()
    }

    /// An app's latest migration.
    pub fn leaf(&self, app: &str) -> Option<MigrationKey> {
        let name = self.names(app).last()?;
        Some(MigrationKey::new(app, name.as_str()))
    }

    /// Every app's latest migration, in app order.
    pub fn leaves(&self) -> Vec<MigrationKey> {
        self.apps.iter().filter_map(|app| self.leaf(app)).collect()
    }

    /// Every migration, in forwards order.
    pub fn full_plan(&self) -> &[MigrationKey] {
        &self.order
    }

    /// What to apply, in order, to reach `targets`: them and everything they depend on.
    pub fn plan(&self, targets: &[MigrationKey]) -> Result<Vec<MigrationKey>> {
        let mut wanted = BTreeSet::new();
        let mut stack = Vec::new();
        for target in targets {
            if !self.files.contains_key(target) {
                return Err(MigrationError::graph(format!("No migration {target}")));
            }
            stack.push(target.clone());
        }
        while let Some(key) = stack.pop() {
            if wanted.insert(key.clone()) {
                stack.extend(self.dependencies(&key).iter().cloned());
            }
        }
        Ok(self
            .order
            .iter()
            .filter(|k| wanted.contains(*k))
            .cloned()
            .collect())
    }

    /// What to unapply, in order, to take `app` back to `target` (a migration name, or
    /// [`ZERO`] for none): the app's later migrations and every migration of any app that
    /// depends on them. Filter the result by what is applied.
    pub fn backwards_plan(&self, app: &str, target: &str) -> Result<Vec<MigrationKey>> {
        let list = self.names(app);
        let later: &[String] = if target == ZERO {
            list
        } else {
            let Some(at) = list.iter().position(|n| n == target) else {
                return Err(MigrationError::graph(format!(
                    "No migration {app}.{target}"
                )));
            };
            &list[at + 1..]
        };
        let children = self.children();
        let mut undo = BTreeSet::new();
        let mut stack: Vec<MigrationKey> = later
            .iter()
            .map(|n| MigrationKey::new(app, n.as_str()))
            .collect();
        while let Some(key) = stack.pop() {
            if let Some(next) = children.get(&key) {
                stack.extend(next.iter().cloned());
            }
            undo.insert(key);
        }
        Ok(self
            .order
            .iter()
            .rev()
            .filter(|k| undo.contains(*k))
            .cloned()
            .collect())
    }

    /// The models after applying `plan` (in that order) to an empty state.
    pub fn project_state(&self, plan: &[MigrationKey]) -> Result<ProjectState> {
        let mut state = ProjectState::new();
        for key in plan {
            self.apply(&mut state, key)?;
        }
        Ok(state)
    }

    /// The models once `targets` and their dependencies are applied.
    pub fn state_at(&self, targets: &[MigrationKey]) -> Result<ProjectState> {
        self.project_state(&self.plan(targets)?)
    }

    /// Replays one migration onto `state`; errors name it ("Migration articles.0003_x: …").
    pub fn apply(&self, state: &mut ProjectState, key: &MigrationKey) -> Result<()> {
        let file = self
            .files
            .get(key)
            .ok_or_else(|| MigrationError::graph(format!("No migration {key}")))?;
        for operation in &file.operations {
            state
                .apply(&key.app, operation)
                .map_err(|e| e.context(format!("Migration {key}")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
