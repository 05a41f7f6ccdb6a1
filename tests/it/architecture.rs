//! The architecture of `src/` as ARCHITECTURE.md states it: layers whose
//! imports point one way, no module importing in a circle, every file on the
//! map, and files and functions of a readable size.
//!
//! The imports are read from the source text: `crate::`, `super::` and
//! `self::` paths outside `#[cfg(test)]` code, each resolved to the file that
//! defines what it names (through the `pub use` re-exports of `lib.rs` and of
//! each `mod.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module, as its path from the crate root: `["walk", "engine"]`.
type Module = Vec<String>;

struct Crate {
    /// Every module with its file and source text (test code cut off).
    modules: BTreeMap<Module, (PathBuf, String)>,
    /// Re-exports: (module, name) to the module that defines `name`.
    exports: BTreeMap<(Module, String), Module>,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The module of a file below `src/`.
fn module_of(path: &Path) -> Module {
    let relative = path.strip_prefix(src()).expect("a file below src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code of a file without its `#[cfg(test)]` items.
fn without_tests(text: &str) -> String {
    let mut kept = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            // Skip the item that follows: one line (`mod x;`) or a block.
            let Some(item) = lines.next() else { break };
            if item.trim_end().ends_with('{') {
                let indent = item.len() - item.trim_start().len();
                for rest in lines.by_ref() {
                    if rest.len() - rest.trim_start().len() == indent && rest.trim() == "}" {
                        break;
                    }
                }
            }
            continue;
        }
        kept.push(line);
    }
    kept.join("\n")
}

/// The modules declared `#[cfg(test)] mod name;` in `text`: test scaffolding.
fn test_modules(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .filter(|pair| pair[0].trim() == "#[cfg(test)]")
        .filter_map(|pair| pair[1].trim().strip_prefix("mod ")?.strip_suffix(';'))
        .map(str::to_owned)
        .collect()
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

fn read_crate() -> Crate {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut texts = BTreeMap::new();
    let mut scaffolding = BTreeSet::new();
    for path in files {
        let text = fs::read_to_string(&path).expect("a readable file");
        let module = module_of(&path);
        for test in test_modules(&text) {
            let mut child = module.clone();
            child.push(test);
            scaffolding.insert(child);
        }
        texts.insert(module, (path, text));
    }
    let modules: BTreeMap<Module, (PathBuf, String)> = texts
        .into_iter()
        .filter(|(module, _)| !scaffolding.iter().any(|test| module.starts_with(test)))
        .map(|(module, (path, text))| (module, (path, without_tests(&text))))
        .collect();
    let mut exports = BTreeMap::new();
    for (module, (_, text)) in &modules {
        for line in text.lines() {
            let line = line.trim();
            let Some(rest) = line
                .strip_prefix("pub use ")
                .or_else(|| line.strip_prefix("pub(crate) use "))
            else {
                continue;
            };
            for (path, name) in paths_in(rest.trim_end_matches(';')) {
                let mut from = match path.first().map(String::as_str) {
                    Some("crate") => Vec::new(),
                    Some("super") => module[..module.len().saturating_sub(1)].to_vec(),
                    Some("self") => module.clone(),
                    // Another crate's item (`::http::Method`, `ureq`): no module of ours.
                    Some("") | None => continue,
                    _ => {
                        let mut child = module.clone();
                        child.push(path[0].clone());
                        child
                    }
                };
                from.extend(path.into_iter().skip(1));
                exports.insert((module.clone(), name), from);
            }
        }
    }
    Crate { modules, exports }
}

/// The `(module path, name)` pairs of a `use` tree such as
/// `step::{Next, Problem}` or `{kind::ErrorKind, Error}`.
fn paths_in(tree: &str) -> Vec<(Vec<String>, String)> {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let prefix: Vec<String> = tree[..open]
            .split("::")
            .filter(|part| !part.trim().is_empty())
            .map(|part| part.trim().to_owned())
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut start = 0;
        let mut pieces = Vec::new();
        for (at, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    pieces.push(&inner[start..at]);
                    start = at + 1;
                }
                _ => {}
            }
        }
        pieces.push(&inner[start..]);
        return pieces
            .into_iter()
            .filter(|piece| !piece.trim().is_empty())
            .flat_map(|piece| {
                paths_in(piece)
                    .into_iter()
                    .map(|(path, name)| (prefix.iter().cloned().chain(path).collect(), name))
            })
            .collect();
    }
    let tree = tree.split(" as ").next().unwrap_or(tree);
    let mut parts: Vec<String> = tree.split("::").map(|p| p.trim().to_owned()).collect();
    let name = parts.pop().unwrap_or_default();
    vec![(parts, name)]
}

impl Crate {
    /// The module `name` refers to from inside `module`: a child module, an
    /// item re-exported there, or an item defined there.
    fn resolve(&self, module: &Module, name: &str) -> Module {
        let mut child = module.clone();
        child.push(name.to_owned());
        if self.modules.contains_key(&child) {
            return child;
        }
        match self.exports.get(&(module.clone(), name.to_owned())) {
            Some(target) if target != module => {
                let (parent, last) = target.split_at(target.len().saturating_sub(1));
                self.resolve(&parent.to_vec(), &last.concat())
            }
            _ => module.clone(),
        }
    }

    /// Every module `module` imports from.
    fn imports(&self, module: &Module) -> BTreeSet<Module> {
        let (_, text) = &self.modules[module];
        // Comments (and the doc links in them) import nothing.
        let text: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut found = BTreeSet::new();
        for (start, _) in text
            .match_indices("crate::")
            .chain(text.match_indices("super::"))
        {
            let before = text[..start].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let tree: String = text[start..]
                .chars()
                .scan(0i32, |depth, c| {
                    match c {
                        '{' => *depth += 1,
                        '}' if *depth == 0 => return None,
                        '}' => *depth -= 1,
                        _ if *depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':') => {
                            return None;
                        }
                        _ => {}
                    }
                    Some(c)
                })
                .collect();
            for (path, name) in paths_in(&tree) {
                let mut base: Module = match path.first().map(String::as_str) {
                    Some("crate") => Vec::new(),
                    Some("super") => module[..module.len().saturating_sub(1)].to_vec(),
                    _ => continue,
                };
                for part in &path[1..] {
                    base = self.resolve(&base, part);
                }
                let target = if name == "self" {
                    base
                } else {
                    self.resolve(&base, &name)
                };
                if target != *module && !target.is_empty() {
                    found.insert(target);
                }
            }
        }
        found
    }

    fn graph(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        self.modules
            .keys()
            .map(|module| (module.clone(), self.imports(module)))
            .collect()
    }
}

fn layer(module: &Module) -> &str {
    match module.first().map(String::as_str) {
        Some(first @ ("rules" | "http" | "walk")) => first,
        _ => "root",
    }
}

fn name(module: &Module) -> String {
    if module.is_empty() {
        "lib".into()
    } else {
        module.join("::")
    }
}

#[test]
fn imports_point_one_way_between_the_layers() {
    let graph = read_crate().graph();
    assert!(
        graph.len() > 30,
        "the source was not read: {:?}",
        graph.keys()
    );
    let mut wrong = Vec::new();
    for (module, imports) in &graph {
        for target in imports {
            let allowed = match (layer(module), layer(target)) {
                // The pure rules see nothing that sends or drives.
                ("rules", "http" | "walk") => false,
                // Sending knows nothing of the engine, nor of the rules.
                ("http", "walk" | "rules") => false,
                // The public types use the engine only to build and run it.
                ("root", "walk" | "http") => {
                    matches!(
                        name(module).as_str(),
                        "lib" | "paginator" | "items" | "pages" | "raw_pages"
                    )
                }
                _ => true,
            };
            if !allowed {
                wrong.push(format!("{} imports {}", name(module), name(target)));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:#?}");
}

#[test]
fn no_module_imports_in_a_circle() {
    let graph = read_crate().graph();
    // Depth-first search for a back edge; `lib` only declares, so it is left out.
    fn visit(
        module: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        path: &mut Vec<Module>,
        done: &mut BTreeSet<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(at) = path.iter().position(|seen| seen == module) {
            let mut circle = path[at..].to_vec();
            circle.push(module.clone());
            return Some(circle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.clone());
        for next in graph.get(module).into_iter().flatten() {
            if !next.is_empty() {
                if let Some(circle) = visit(next, graph, path, done) {
                    return Some(circle);
                }
            }
        }
        path.pop();
        done.insert(module.clone());
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys().filter(|module| !module.is_empty()) {
        if let Some(circle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            let names: Vec<String> = circle.iter().map(name).collect();
            panic!("a circle of imports: {}", names.join(" -> "));
        }
    }
}

#[test]
fn architecture_md_maps_every_file() {
    let map = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md");
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let missing: Vec<String> = files
        .iter()
        .map(|path| {
            path.strip_prefix(src())
                .expect("below src")
                .to_string_lossy()
                .into_owned()
        })
        .filter(|relative| !map.contains(&format!("`{relative}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "files missing from ARCHITECTURE.md: {missing:?}"
    );
}
