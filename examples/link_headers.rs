//! Cookbook: an API that pages with `Link` headers (GitHub, GitLab,
//! Procore), typed items, and the total a header gives.
//!
//! Runs against an imitation of GitHub's issues API on loopback:
//! `cargo run --example link_headers`.

use fixture::Fixture;

#[derive(Debug, serde::Deserialize)]
struct Issue {
    id: u64,
    name: String,
}

fn main() -> Result<(), pagewalk::Error> {
    let github = Fixture::start();
    // Against the real API: Paginator::new("https://api.github.com/repos/o/r/issues?per_page=100")
    //     .header("Authorization", "Bearer ghp_...")
    let issues = github
        .paginator("/github/repos/octocat/Spoon-Knife/issues?state=open&per_page=10")
        .items::<Issue>();
    let mut count = 0;
    for issue in issues {
        let issue = issue?;
        count += 1;
        if count <= 3 {
            println!("#{} {}", issue.id, issue.name);
        }
    }
    println!("{count} issues, {} requests", github.request_count());
    assert_eq!(count, 23);
    Ok(())
}
